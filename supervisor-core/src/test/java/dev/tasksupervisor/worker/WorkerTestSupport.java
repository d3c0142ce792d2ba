package dev.tasksupervisor.worker;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;

/** A started supervisor per test, stopped after it. */
abstract class WorkerTestSupport {

    protected final String id = SupervisorThreads.uniqueId("workers");
    protected final TaskSupervisor supervisor = new TaskSupervisor(id);

    WorkerTestSupport() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
        supervisor.start();
    }

    @AfterEach
    void stopSupervisor() {
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    /** Work that takes a while: simulates a slow target (not used to wait for anything). */
    static void busyFor(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
