package dev.tasksupervisor.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorConfigurationException;
import dev.tasksupervisor.autoconfigure.SupervisorProperties;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.MovableClock;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Overdue interval workers and stale queues (issue 19), and how the health component shows them. The time is a
 * {@link MovableClock} that jumps hours ahead: nothing waits for a schedule.
 */
class OverdueWorkersTests {

    private static final Duration HOUR = Duration.ofHours(1);

    private final TaskSupervisor supervisor = new TaskSupervisor("overdue-" + UUID.randomUUID().toString().substring(0, 8));
    private final MovableClock clock = new MovableClock(Instant.now());

    OverdueWorkersTests() {
        supervisor.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(4).build());
        supervisor.start();
    }

    @AfterEach
    void stop() {
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    @Test
    void anHourlyWorkerIsOverdueAfterThreeHoursWithoutASuccess() {
        IntervalWorker hourly = new IntervalWorker(supervisor, "hourly", HOUR, WorkerTarget.of(() -> { }));
        hourly.start(); // runs at once, and succeeds
        await().until(() -> hourly.getLastSuccess() != null);
        OverdueWorkers overdue = new OverdueWorkers(supervisor, 3, null, clock);
        assertThat(overdue.overdue()).isEmpty();

        clock.moveBy(Duration.ofMinutes(179));
        assertThat(overdue.isOverdue(hourly)).isFalse();
        clock.moveBy(Duration.ofMinutes(2));
        assertThat(overdue.overdue()).singleElement().satisfies(entry -> {
            assertThat(entry.worker()).isSameAs(hourly);
            assertThat(entry.since()).isCloseTo(hourly.getLastSuccess().plus(HOUR.multipliedBy(3)),
                    within(1, ChronoUnit.SECONDS));
        });
        assertThat(new OverdueWorkers(supervisor, 4, null, clock).overdue()).isEmpty();
    }

    @Test
    void aQueueThatHoldsItemsWithoutRunningOneIsStaleAfterTheWait() {
        QueueWorker<String> queue = new QueueWorker<>(supervisor, "orders", WorkerTarget.of(item -> { }));
        queue.start();
        queue.pause();
        queue.put("A-1");
        OverdueWorkers overdue = new OverdueWorkers(supervisor, 3, Duration.ofMinutes(5), clock);
        assertThat(overdue.overdue()).isEmpty(); // the first look: counted from now
        clock.moveBy(Duration.ofMinutes(4));
        assertThat(overdue.stuckFor(queue)).isCloseTo(Duration.ofMinutes(4), Duration.ofSeconds(1));
        assertThat(overdue.overdue()).isEmpty();
        clock.moveBy(Duration.ofMinutes(2));
        assertThat(overdue.overdue()).singleElement().satisfies(entry -> assertThat(entry.worker()).isSameAs(queue));

        queue.resume();
        await().until(() -> queue.getRuns() == 1);
        assertThat(overdue.overdue()).isEmpty();
        assertThat(overdue.stuckFor(queue)).isZero();
        // Without a limit a queue is never stale, however long it holds items.
        queue.pause();
        queue.put("A-2");
        OverdueWorkers noLimit = new OverdueWorkers(supervisor, 3, null, clock);
        noLimit.overdue();
        clock.moveBy(Duration.ofDays(1));
        assertThat(noLimit.overdue()).isEmpty();
    }

    @Test
    void aQueueThatEndsARunBetweenTwoLooksIsNotStuck() {
        QueueWorker<String> queue = new QueueWorker<>(supervisor, "moving", WorkerTarget.of(item -> { }));
        queue.start();
        queue.pause();
        queue.put("A-1");
        queue.put("A-2");
        OverdueWorkers overdue = new OverdueWorkers(supervisor, 3, Duration.ofMinutes(5), clock);
        overdue.overdue();
        clock.moveBy(Duration.ofMinutes(10));
        // One item ran meanwhile, one still waits: the queue moved, its count starts again.
        queue.resume();
        await().until(() -> queue.getRuns() >= 1);
        queue.pause();
        queue.put("A-3");
        assertThat(overdue.stuckFor(queue)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void theHealthComponentListsThemAndReportsTheConfiguredStatus() {
        IntervalWorker hourly = new IntervalWorker(supervisor, "hourly", HOUR, WorkerTarget.of(() -> {
            throw new IllegalStateException("the report service is down");
        }));
        hourly.start();
        await().until(() -> hourly.getFailures() >= 1);
        OverdueWorkers overdue = new OverdueWorkers(supervisor, 3, null, clock);

        assertThat(new SupervisorHealthIndicator(supervisor, overdue, Status.OUT_OF_SERVICE).health().getStatus())
                .isEqualTo(Status.UP);
        clock.moveBy(Duration.ofHours(4));
        Health listed = new SupervisorHealthIndicator(supervisor, overdue, Status.UP).health();
        assertThat(listed.getStatus()).isEqualTo(Status.UP);
        assertThat(listed.getDetails()).doesNotContainKey("reason");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> late = (Map<String, Map<String, Object>>) listed.getDetails().get("overdue");
        assertThat(late).containsOnlyKeys("hourly");
        assertThat(late.get("hourly")).containsEntry("schedule", "every PT1H").containsEntry("failuresInARow", 1)
                .containsKey("overdueSince").doesNotContainKey("lastSuccess");

        Health outOfService = new SupervisorHealthIndicator(supervisor, overdue, Status.OUT_OF_SERVICE).health();
        assertThat(outOfService.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat((String) outOfService.getDetails().get("reason")).contains("[hourly]", "3 periods");
    }

    @Test
    void periodsBelowOneAreRefusedAtStartUp() {
        SupervisorProperties.Overdue settings = new SupervisorProperties.Overdue();
        settings.setPeriods(0);
        assertThatThrownBy(() -> OverdueWorkers.of(supervisor, settings))
                .isInstanceOf(SupervisorConfigurationException.class)
                .hasMessageContaining("supervisor.overdue.periods is 0");
    }
}
