package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;

import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.testsupport.LogCapture;
import dev.tasksupervisor.testsupport.MovableClock;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

/**
 * Interval workers on a {@link WorkerSchedule}, the {@link MisfirePolicy}, next and last run, and changing the
 * schedule of a running worker (issue 17). Missed ticks are made with a {@link MovableClock} that jumps, not by
 * waiting for them.
 */
class WorkerScheduleTests extends WorkerTestSupport {

    private final AtomicInteger runs = new AtomicInteger();

    /** Ticks at every whole ten seconds of the wall clock; remembers what it was asked. */
    private static final class EveryTenSeconds implements WorkerSchedule {

        final List<Instant> asked = new CopyOnWriteArrayList<>();
        private final Runnable afterFirst;

        EveryTenSeconds(Runnable afterFirst) {
            this.afterFirst = afterFirst;
        }

        @Override
        public Instant next(Instant time) {
            asked.add(time);
            Instant next = Instant.ofEpochSecond((time.getEpochSecond() / 10 + 1) * 10);
            if (asked.size() == 1) {
                afterFirst.run();
            }
            return next;
        }

        @Override
        public String describe() {
            return "every ten seconds";
        }
    }

    /** 50 ms before a tick at 12:00:10. */
    private static final Instant BEFORE_A_TICK = Instant.parse("2026-03-29T12:00:09.950Z");

    private static final Instant TICK = Instant.parse("2026-03-29T12:00:10Z");

    @Test
    void aScheduledWorkerRunsAtTheSchedulesTimesAndShowsItsNextRun() {
        MovableClock clock = new MovableClock(BEFORE_A_TICK);
        List<Instant> seen = new CopyOnWriteArrayList<>();
        EveryTenSeconds schedule = new EveryTenSeconds(() -> { });
        IntervalWorker worker = new IntervalWorker(supervisor, "scheduled", schedule,
                WorkerTarget.of(() -> seen.add(clock.instant())));
        worker.setClock(clock);
        worker.start();
        assertThat(worker.getNextRun()).isEqualTo(TICK);
        assertThat(worker.getSchedule()).isEqualTo("every ten seconds");

        await().until(() -> seen.size() == 1);
        assertThat(seen.get(0)).isAfterOrEqualTo(TICK);
        // The next is the schedule's next after the tick that ran: ten seconds on, nothing sooner.
        await().until(() -> TICK.plusSeconds(10).equals(worker.getNextRun()));
        assertThat(schedule.asked).hasSize(2);
        assertThat(schedule.asked.get(1)).isBetween(TICK, TICK.plusSeconds(1));
        worker.stop();
        assertThat(worker.getNextRun()).isNull();
        assertThat(worker.info().nextRun()).isNull();
    }

    @Test
    void ticksMissedWhileTheClockJumpedMakeOneRunAtOnceNotABurst() {
        MovableClock clock = new MovableClock(BEFORE_A_TICK);
        // Once the first tick is armed, the clock jumps 35 s: when the timer fires, the ticks at :10, :20, :30
        // and :40 have all passed.
        EveryTenSeconds schedule = new EveryTenSeconds(() -> clock.moveBy(Duration.ofSeconds(35)));
        IntervalWorker worker = new IntervalWorker(supervisor, "jumped", schedule, WorkerTarget.of(runs::incrementAndGet));
        worker.setClock(clock);
        worker.start();

        await().until(() -> runs.get() == 1);
        assertThat(worker.getMisfires()).isEqualTo(1);
        // Back on the schedule from now: the next tick is the first still to come, not one of those passed.
        assertThat(worker.getNextRun()).isEqualTo(TICK.plusSeconds(40));
        assertThat(schedule.asked).hasSize(2);
        worker.stop();
        assertThat(runs).hasValue(1);
    }

    @Test
    void withSkipTheTicksMissedWhileTheClockJumpedDoNotRun() {
        MovableClock clock = new MovableClock(BEFORE_A_TICK);
        EveryTenSeconds schedule = new EveryTenSeconds(() -> clock.moveBy(Duration.ofSeconds(35)));
        IntervalWorker worker = new IntervalWorker(supervisor, "skipping", schedule, WorkerTarget.of(runs::incrementAndGet));
        worker.setClock(clock);
        worker.setMisfirePolicy(MisfirePolicy.SKIP);
        worker.start();

        await().until(() -> worker.getMisfires() == 1);
        assertThat(worker.getNextRun()).isEqualTo(TICK.plusSeconds(40));
        worker.stop(); // waits for a run in progress, had one been dispatched
        assertThat(runs).hasValue(0);
        assertThat(worker.info().misfires()).isEqualTo(1);
    }

    @Test
    void aTimerThatFiresBeforeItsTickByTheWallClockWaitsForTheTick() {
        MovableClock clock = new MovableClock(BEFORE_A_TICK);
        // The clock is set back an hour once the first tick is armed: the timer fires on time by real time,
        // an hour early by the wall clock, and the worker waits for the tick's wall-clock time instead of running.
        EveryTenSeconds schedule = new EveryTenSeconds(() -> clock.moveBy(Duration.ofHours(-1)));
        IntervalWorker worker = new IntervalWorker(supervisor, "set back", schedule, WorkerTarget.of(runs::incrementAndGet));
        worker.setClock(clock);
        worker.start();

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 0);
        assertThat(worker.getNextRun()).isEqualTo(TICK);
        assertThat(worker.getMisfires()).isZero();
        assertThat(schedule.asked).hasSize(1);
    }

    @Test
    void aFixedRateTimerHeldUpPastSeveralTicksMakesOneRunNotABurst() throws Exception {
        Duration period = Duration.ofMillis(300);
        IntervalWorker worker = new IntervalWorker(supervisor, "held up", period, WorkerTarget.of(runs::incrementAndGet));
        worker.start();
        await().until(() -> runs.get() >= 1);
        // The timer thread is held up (as by a long GC pause) until four ticks have passed.
        CountDownLatch release = new CountDownLatch(1);
        worker.timerLoop().executor().execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Instant due = worker.getNextRun();
        await().until(() -> Instant.now().isAfter(due.plus(period.multipliedBy(4))));
        int before = runs.get();
        release.countDown();

        await().pollInterval(Duration.ofMillis(5)).until(() -> runs.get() > before);
        // One run for the ticks missed, at once, and back on the grid: the next tick is still to come, not one
        // of the four passed, which ScheduledThreadPoolExecutor would have fired back to back.
        assertThat(worker.getMisfires()).isEqualTo(1);
        assertThat(worker.getNextRun()).isAfter(Instant.now().minus(Duration.ofMillis(5)));
        assertThat(runs.get()).isLessThanOrEqualTo(before + 2); // the run that stood for them, and maybe the next tick's
        worker.stop();
    }

    @Test
    void aScheduleThatThrowsIsLoggedAndTheWorkerStaysActiveForTriggers() {
        MovableClock clock = new MovableClock(BEFORE_A_TICK);
        AtomicInteger asked = new AtomicInteger();
        WorkerSchedule broken = time -> {
            if (asked.incrementAndGet() > 1) {
                throw new IllegalStateException("no calendar");
            }
            return TICK;
        };
        IntervalWorker worker = new IntervalWorker(supervisor, "broken", broken, WorkerTarget.of(runs::incrementAndGet));
        worker.setClock(clock);
        try (LogCapture logs = LogCapture.of(IntervalWorker.class)) {
            worker.start();
            await().until(() -> runs.get() == 1); // the first tick runs; asking for the one after it throws
            await().until(() -> !logs.messages(Level.ERROR).isEmpty());
            assertThat(logs.messages(Level.ERROR).get(0)).startsWith("Worker 'broken': its schedule (")
                    .contains("failed to give the time after");
        }
        assertThat(worker.isActive()).isTrue();
        assertThat(worker.getNextRun()).isNull();
        assertThat(worker.getOverdueAt(3)).as("not overdue: it has no schedule to be late for").isNull();
        worker.trigger();
        await().until(() -> runs.get() == 2);
    }

    @Test
    void withSkipATickThatComesDuringARunDoesNotRunAfterIt() throws Exception {
        Duration period = Duration.ofMillis(500);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> starts = new CopyOnWriteArrayList<>();
        IntervalWorker worker = new IntervalWorker(supervisor, "long run", period, WorkerTarget.of(() -> {
            starts.add(System.nanoTime());
            if (starts.size() == 1) {
                release.await();
            }
        }));
        worker.setMisfirePolicy(MisfirePolicy.SKIP);
        worker.start();
        await().until(() -> worker.getMisfires() >= 1); // the tick at 500 ms came during the first run
        release.countDown();
        await().until(() -> starts.size() >= 2);
        worker.stop();
        // Not right after the first run (released about 500 ms after it began), as RUN_ONCE would: at the next tick
        // of the grid, 1 s from the start or later (the first run may itself have begun a little late).
        assertThat(Duration.ofNanos(starts.get(1) - starts.get(0))).isGreaterThan(period.multipliedBy(3).dividedBy(2));
    }

    @Test
    void theNextRunOfAFixedRateIsOnItsGridAndOtherKindsHaveNone() {
        IntervalWorker worker = new IntervalWorker(supervisor, "hourly", Duration.ofHours(1),
                WorkerTarget.of(runs::incrementAndGet));
        Instant before = Instant.now();
        worker.start();
        await().until(() -> runs.get() == 1); // the first run is at the start
        assertThat(worker.info().nextRun()).isBetween(before.plus(Duration.ofMinutes(59)),
                Instant.now().plus(Duration.ofMinutes(61)));
        EventWorker event = new EventWorker(supervisor, "event", WorkerTarget.of(() -> { }));
        event.start();
        assertThat(event.info().nextRun()).isNull();
        assertThat(event.info().misfires()).isZero();
    }

    @Test
    void theViewShowsTheLastRunsOutcomeAndTheLastSuccess() {
        AtomicBoolean fail = new AtomicBoolean();
        EventWorker worker = new EventWorker(supervisor, "outcome", WorkerTarget.of(() -> {
            if (fail.get()) {
                throw new IllegalStateException("no connection");
            }
        }));
        worker.start();
        assertThat(worker.info().lastOutcome()).isNull();
        assertThat(worker.info().lastSuccess()).isNull();

        Instant before = Instant.now();
        worker.trigger();
        await().until(() -> worker.getRuns() == 1);
        WorkerInfo succeeded = worker.info();
        assertThat(succeeded.lastOutcome()).isEqualTo(WorkerInfo.RunOutcome.SUCCESS);
        assertThat(succeeded.lastSuccess()).isBetween(before.minusMillis(5), Instant.now().plusMillis(5));

        fail.set(true);
        worker.trigger();
        await().until(() -> worker.getRuns() == 2);
        WorkerInfo failed = worker.info();
        assertThat(failed.lastOutcome()).isEqualTo(WorkerInfo.RunOutcome.FAILURE);
        assertThat(failed.lastError().message()).isEqualTo("no connection");
        // The same success: the time is kept as a monotonic reading, shown in wall-clock time to within microseconds.
        assertThat(failed.lastSuccess()).isCloseTo(succeeded.lastSuccess(), within(1, ChronoUnit.MILLIS));

        fail.set(false);
        worker.trigger();
        await().until(() -> worker.getRuns() == 3);
        assertThat(worker.info().lastOutcome()).isEqualTo(WorkerInfo.RunOutcome.SUCCESS);
        assertThat(worker.info().lastSuccess()).isAfter(succeeded.lastSuccess());
    }

    @Test
    void reschedulingARunningWorkerTakesEffectFromItsNextTick() {
        IntervalWorker worker = new IntervalWorker(supervisor, "rescheduled", Duration.ofHours(1),
                WorkerTarget.of(runs::incrementAndGet));
        worker.start();
        await().until(() -> runs.get() == 1);
        try (LogCapture logs = LogCapture.of(IntervalWorker.class)) {
            worker.rescheduleAtFixedRate(Duration.ofMillis(20));
            assertThat(logs.messages(Level.INFO)).contains("Worker 'rescheduled' rescheduled: every PT1H -> every PT0.02S, from "
                    + "its next tick");
        }
        assertThat(worker.getSchedule()).isEqualTo("every PT0.02S");
        await().until(() -> runs.get() >= 4);

        // Back to once an hour: the 20 ms timer armed before the change does nothing when it fires.
        worker.rescheduleAtFixedRate(Duration.ofHours(1));
        int now = runs.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> runs.get() <= now + 1);
        assertThat(worker.getNextRun()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));

        // The change holds for the worker's later starts in this process.
        worker.stop();
        worker.start();
        assertThat(worker.getSchedule()).isEqualTo("every PT1H");
    }

    @Test
    void reschedulingDuringARunNeverOverlapsIt() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        IntervalWorker worker = new IntervalWorker(supervisor, "busy", Duration.ofHours(1), WorkerTarget.of(() -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                if (runs.incrementAndGet() == 1) {
                    release.await();
                }
            } finally {
                concurrent.decrementAndGet();
            }
        }));
        worker.start();
        await().until(() -> runs.get() == 1);
        worker.rescheduleWithFixedDelay(Duration.ofMillis(10)); // while the first run still goes
        assertThat(worker.getNextRun()).isNull(); // a fixed delay counts from the end of the run in progress
        assertThat(worker.getSchedule()).isEqualTo("delay PT0.01S");
        release.countDown();
        await().until(() -> runs.get() >= 4);
        worker.stop();
        assertThat(most).hasValue(1);
    }

    @Test
    void reschedulingOntoAScheduleUsesItsNextTimeAndBadValuesAreRefused() {
        MovableClock clock = new MovableClock(BEFORE_A_TICK.minusSeconds(5));
        IntervalWorker worker = new IntervalWorker(supervisor, "onto", Duration.ofHours(1), WorkerTarget.of(runs::incrementAndGet));
        worker.setClock(clock);
        worker.start();
        await().until(() -> runs.get() == 1);
        worker.reschedule(new EveryTenSeconds(() -> { }));
        assertThat(worker.getNextRun()).isEqualTo(TICK);
        assertThat(worker.getSchedule()).isEqualTo("every ten seconds");

        assertThatThrownBy(() -> worker.rescheduleAtFixedRate(Duration.ZERO)).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> worker.rescheduleWithFixedDelay(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidSettingException.class);
        assertThat(worker.getSchedule()).isEqualTo("every ten seconds");
    }
}
