package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.endpoint.SupervisorEndpointWebExtension.ErrorDescriptor;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.WorkerStart;
import dev.tasksupervisor.worker.WorkerState;
import dev.tasksupervisor.worker.WorkerTarget;

/** The endpoint's web answers in the states a running application rarely shows: no HTTP, a plain supervisor. */
class SupervisorEndpointTests {

    private final TaskSupervisor supervisor = new TaskSupervisor("plain");
    private final SupervisorEndpointWebExtension web = new SupervisorEndpointWebExtension(
            new SupervisorEndpoint(supervisor));

    @AfterEach
    void stop() {
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    @Test
    void resizingThePoolOfASupervisorNotYetStartedIsAConflict() {
        supervisor.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(4).build());
        WebEndpointResponse<?> response = web.resizePool(SecurityContext.NONE, "3", "9");
        assertThat(response.getStatus()).isEqualTo(409);
        assertThat(((ErrorDescriptor) response.getBody()).message())
                .contains("task supervisor 'plain' is NEW", "start it first");
        assertThat(supervisor.getPoolSettings().minSize()).as("nothing changed").isEqualTo(1);
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(4);
    }

    @Test
    void startingAWorkerWhoseNameAnotherWorkerNowHoldsIsAConflictThatSaysWhy() {
        supervisor.start();
        EventWorker renamed = new EventWorker(supervisor, "report", WorkerTarget.of(() -> { }));
        renamed.start(WorkerStart.defaults().withName("nightly-report"));
        renamed.stop();
        new EventWorker(supervisor, "report", WorkerTarget.of(() -> { })).start();
        for (String action : new String[] {"start", "restart"}) {
            WebEndpointResponse<?> response = web.workerAction(SecurityContext.NONE, "nightly-report", action, null, null, null, null);
            assertThat(response.getStatus()).as(action).isEqualTo(409);
            assertThat(((ErrorDescriptor) response.getBody()).message()).as(action)
                    .contains("already has a worker named 'report'");
        }
        assertThat(renamed.getState()).isEqualTo(WorkerState.STOPPED);
    }
}
