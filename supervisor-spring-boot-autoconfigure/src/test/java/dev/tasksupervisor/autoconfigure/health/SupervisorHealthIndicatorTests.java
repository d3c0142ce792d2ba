package dev.tasksupervisor.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolInfo;

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

    @Test
    void aPoolTheSystemRefusedThreadsForIsDownWithTheReason() {
        String failure = "task supervisor 'limited' could start only 4,000 threads of the 100000..100000 it was "
                + "resized to (unable to create native thread): its sizes went back to 2 and 12";
        TaskSupervisor supervisor = new TaskSupervisor("limited") {
            @Override
            public SupervisorState getState() {
                return SupervisorState.ACTIVE;
            }

            @Override
            public PoolInfo poolInfo() {
                return new PoolInfo(2, 12, 12, 0, 4_000, 0, 0, 10, 0, false, Duration.ofMillis(1), 0, 0, 0, false,
                        failure);
            }
        };
        Health health = new SupervisorHealthIndicator(supervisor).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("reason", failure);
    }
}
