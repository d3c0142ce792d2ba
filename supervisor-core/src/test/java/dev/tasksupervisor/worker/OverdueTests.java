package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.lifecycle.Deadline;
import dev.tasksupervisor.testsupport.MovableClock;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

/**
 * {@link IntervalWorker#getOverdueAt}: when an interval or cron worker with no success becomes overdue (issue 19).
 * Nothing here waits for a tick: the schedules are hours or days long, runs are triggered, and the wall clock of
 * a cron worker is a {@link MovableClock}.
 */
class OverdueTests extends WorkerTestSupport {

    /** Every day at 09:00 UTC. */
    private static final WorkerSchedule DAILY_AT_NINE = time -> {
        Instant today = time.truncatedTo(ChronoUnit.DAYS).plusSeconds(LocalTime.of(9, 0).toSecondOfDay());
        return today.isAfter(time) ? today : today.plus(Duration.ofDays(1));
    };

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void aDailyCronStartedAfterItsTickIsOverdueOnlyAfterItsThirdTickToCome() {
        MovableClock clock = new MovableClock(Instant.parse("2026-03-29T10:00:00Z"));
        IntervalWorker worker = new IntervalWorker(supervisor, "daily", DAILY_AT_NINE, WorkerTarget.of(() -> { }));
        worker.setClock(clock);
        worker.start();

        // Started at 10:00, an hour after today's tick: not overdue at 10:01, nor until three ticks have come.
        assertThat(worker.getOverdueAt(3)).isEqualTo(Instant.parse("2026-04-01T09:00:00Z"));
        assertThat(worker.getOverdueAt(1)).isEqualTo(Instant.parse("2026-03-30T09:00:00Z"));
        assertThat(worker.getNextRun()).isEqualTo(Instant.parse("2026-03-30T09:00:00Z"));
    }

    @Test
    void aFixedRateCountsFromItsFirstRunBeforeAnySuccess() {
        IntervalWorker worker = new IntervalWorker(supervisor, "hourly", HOUR, WorkerTarget.of(() -> { }));
        worker.setInitialDelay(Duration.ofMinutes(10));
        Instant started = Instant.now();
        worker.start();
        // The first run is due 10 minutes after the start: three periods from then.
        assertThat(worker.getOverdueAt(3)).isCloseTo(started.plus(Duration.ofMinutes(190)), within(1, ChronoUnit.SECONDS));
    }

    @Test
    void aFixedRateCountsFromTheLastSuccess() {
        // Its first run is at the start; half an hour later by its clock, a triggered run succeeds: the count
        // starts again from there.
        MovableClock clock = new MovableClock(Instant.parse("2026-03-29T10:00:00Z"));
        IntervalWorker worker = new IntervalWorker(supervisor, "hourly", HOUR, WorkerTarget.of(() -> { }));
        worker.setClock(clock);
        worker.start();
        await().until(() -> worker.getRuns() == 1);
        clock.moveBy(Duration.ofMinutes(30));
        worker.trigger();
        await().until(() -> worker.getRuns() == 2);
        assertThat(worker.getOverdueAt(3)).isCloseTo(Instant.parse("2026-03-29T13:30:00Z"), within(1, ChronoUnit.SECONDS));
    }

    @Test
    void aFailedRunDoesNotPutItOff() {
        IntervalWorker worker = new IntervalWorker(supervisor, "failing", HOUR, WorkerTarget.of(() -> {
            throw new IllegalStateException("down");
        }));
        Instant started = Instant.now();
        worker.start(); // runs at once, and fails
        await().until(() -> worker.getFailures() >= 1);
        assertThat(worker.getOverdueAt(2)).isCloseTo(started.plus(HOUR.multipliedBy(2)), within(1, ChronoUnit.SECONDS));
    }

    @Test
    void aSuccessOfAnEarlierStartCountsNot() {
        IntervalWorker worker = new IntervalWorker(supervisor, "restarted", HOUR, WorkerTarget.of(() -> { }));
        MovableClock clock = new MovableClock(Instant.now());
        worker.setClock(clock);
        worker.start();
        await().until(() -> worker.getLastSuccess() != null);
        worker.stop(Deadline.after(Duration.ofSeconds(5)));
        clock.moveBy(Duration.ofMinutes(5)); // the next start comes later than the success

        worker.start();
        assertThat(worker.getOverdueAt(1)).isCloseTo(clock.instant().plus(HOUR), within(1, ChronoUnit.SECONDS));
    }

    @Test
    void aFixedDelayPeriodIsTheDelayPlusTheLastRun() {
        MovableClock clock = new MovableClock(Instant.parse("2026-03-29T10:00:00Z"));
        IntervalWorker worker = new IntervalWorker(supervisor, "paced", WorkerTarget.of(() -> busyFor(Duration.ofMillis(200))));
        worker.setDelay(HOUR);
        worker.setClock(clock);
        worker.start(); // its first run at once
        await().until(() -> worker.getLastSuccess() != null);
        Duration run = worker.info().lastRunDuration();
        assertThat(run).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        // From the end of that run (about 10:00:00.2 by its clock): three times the delay plus the run.
        assertThat(worker.getOverdueAt(3)).isCloseTo(Instant.parse("2026-03-29T10:00:00Z").plus(run)
                .plus(HOUR.plus(run).multipliedBy(3)), within(500, ChronoUnit.MILLIS));
    }

    @Test
    void aRunTheLockRefusedCountsAsOnTime() {
        MovableClock clock = new MovableClock(Instant.parse("2026-03-29T10:00:00Z"));
        IntervalWorker worker = new IntervalWorker(supervisor, "clustered", HOUR, WorkerTarget.of(() -> { }));
        worker.setRunGuard(w -> Optional.empty()); // another instance holds the lock
        worker.setClock(clock);
        worker.start(); // its first run at once, refused
        await().until(() -> worker.getSkips() >= 1);
        clock.moveBy(Duration.ofMinutes(30));
        worker.trigger(); // refused again, half an hour later: the lock's holder ran it
        await().until(() -> worker.getSkips() >= 2);
        assertThat(worker.getLastSuccess()).isNull();
        assertThat(worker.getOverdueAt(1)).isCloseTo(Instant.parse("2026-03-29T11:30:00Z"), within(1, ChronoUnit.SECONDS));
    }

    @Test
    void aRescheduleCountsAsAStart() {
        MovableClock clock = new MovableClock(Instant.parse("2026-03-29T10:00:00Z"));
        IntervalWorker worker = new IntervalWorker(supervisor, "moved", HOUR, WorkerTarget.of(() -> { }));
        worker.setClock(clock);
        worker.start();
        clock.moveBy(Duration.ofHours(26)); // 2026-03-30 12:00, after the 09:00 tick counted from the start
        worker.reschedule(DAILY_AT_NINE);
        // The first tick after the reschedule, plus the last run's duration (a few µs, if the first run has ended).
        assertThat(worker.getOverdueAt(1)).isCloseTo(Instant.parse("2026-03-31T09:00:00Z"), within(1, ChronoUnit.SECONDS));
    }

    @Test
    void aScheduleWithNoTickLeftOrAStoppedWorkerIsNeverOverdue() {
        IntervalWorker ended = new IntervalWorker(supervisor, "ended", time -> null, WorkerTarget.of(() -> { }));
        ended.start();
        assertThat(ended.getOverdueAt(3)).isNull();

        IntervalWorker stopped = new IntervalWorker(supervisor, "stopped", HOUR, WorkerTarget.of(() -> { }));
        assertThat(stopped.getOverdueAt(3)).isNull();
        stopped.start();
        assertThat(stopped.getOverdueAt(3)).isNotNull();
        stopped.stop(Deadline.after(Duration.ofSeconds(5)));
        assertThat(stopped.getOverdueAt(3)).isNull();
        assertThatThrownBy(() -> stopped.getOverdueAt(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
