package dev.tasksupervisor.testsupport;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;

/** A started supervisor per test, stopped after it. */
public abstract class WorkerTestSupport {

    protected final String id = SupervisorThreads.uniqueId("workers");
    protected final TaskSupervisor supervisor = new TaskSupervisor(id);

    protected WorkerTestSupport() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
        supervisor.start();
    }

    @AfterEach
    protected void stopSupervisor() {
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    /** Work that takes a while: simulates a slow target (not used to wait for anything). */
    protected static void busyFor(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
