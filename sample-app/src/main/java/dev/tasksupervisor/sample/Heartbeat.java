package dev.tasksupervisor.sample;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.tasksupervisor.SupervisorInfo;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;

/** An interval worker: every {@code sample.heartbeat} (10 s) it logs how the supervisor is doing. */
@Component
public class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final TaskSupervisor supervisor;
    private final AtomicInteger beats = new AtomicInteger();

    Heartbeat(TaskSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Worker(interval = "${sample.heartbeat:10s}")
    void heartbeat() {
        SupervisorInfo info = supervisor.info();
        log.info("Heartbeat #{}: pool {} threads ({} busy, {} tasks done), {} workers, orders queued: {}",
                beats.incrementAndGet(), info.pool().currentSize(), info.pool().active(), info.pool().completed(),
                info.workers().size(), supervisor.getQueueWorker("ship").getQueueSize());
    }

    /** How many heartbeats there have been. */
    public int beats() {
        return beats.get();
    }
}
