package dev.tasksupervisor.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;

class SupervisorHealthIndicatorTests {

    @Test
    void aStopRacingTheCheckNeverReportsUpWithAStateThatIsNotActive() {
        // The stop lands between two reads of the state: whichever state the report shows decides its status.
        AtomicReference<SupervisorState> state = new AtomicReference<>(SupervisorState.ACTIVE);
        TaskSupervisor supervisor = new TaskSupervisor("racing") {
            @Override
            public boolean isActive() {
                return state.getAndSet(SupervisorState.STOPPING) == SupervisorState.ACTIVE;
            }

            @Override
            public SupervisorState getState() {
                return state.getAndSet(SupervisorState.STOPPING);
            }
        };
        Health health = new SupervisorHealthIndicator(supervisor).health();
        assertThat(health.getDetails().get("state") == SupervisorState.ACTIVE)
                .as("UP exactly when the state reported is ACTIVE: %s", health)
                .isEqualTo(health.getStatus().equals(Status.UP));
    }
}
