package dev.tasksupervisor.docs.core;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/** docs/core.md, "Plain-Java use": compiled, not run (it blocks until the JVM is told to end). */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) throws InterruptedException {
        TaskSupervisor supervisor = new TaskSupervisor("jobs");
        supervisor.start();
        IntervalWorker heartbeat = new IntervalWorker(supervisor, "heartbeat", Duration.ofSeconds(5),
                WorkerTarget.of(() -> log.info("alive")));
        heartbeat.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> supervisor.stop(Duration.ofSeconds(10))));
        supervisor.block();   // the supervisor's threads are daemons: without this, main's end would end the JVM
    }
}
