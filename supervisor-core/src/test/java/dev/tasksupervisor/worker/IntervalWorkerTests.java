package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.testsupport.Gap;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

class IntervalWorkerTests extends WorkerTestSupport {

    private final AtomicInteger runs = new AtomicInteger();
    /** The ticks of the {@link TickCountingWorker} of a test, and when the last came. */
    private final AtomicInteger ticks = new AtomicInteger();
    private final AtomicLong lastTickNanos = new AtomicLong();

    @Test
    void intervalOfTwentyMillisecondsRunsAboutFiveTimesInAHundred() {
        IntervalWorker worker = new IntervalWorker(supervisor, "ticker", Duration.ofMillis(20),
                WorkerTarget.of(runs::incrementAndGet));
        long started = System.nanoTime();
        worker.start();
        await().until(() -> runs.get() >= 4);
        worker.stop();
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        // Fixed rate from the start: never more than one run per interval (plus the run at start).
        assertThat(runs.get()).isBetween(4, (int) (elapsedMs / 20) + 2);
        assertThat(worker.getSchedule()).isEqualTo("every PT0.02S");
    }

    @Test
    void fixedRateDoesNotDrift() {
        List<Long> starts = new CopyOnWriteArrayList<>();
        IntervalWorker worker = new IntervalWorker(supervisor, "steady", Duration.ofMillis(20),
                WorkerTarget.of(() -> starts.add(System.nanoTime())));
        worker.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> starts.size() >= 40);
        worker.stop();
        List<Long> seen = new ArrayList<>(starts);
        long first = seen.get(0);
        // Each run starts close to first + n × interval: lateness does not add up from run to run.
        for (int n = 0; n < seen.size(); n++) {
            long lateness = seen.get(n) - first - n * Duration.ofMillis(20).toNanos();
            assertThat(Duration.ofNanos(Math.abs(lateness))).as("run %d", n).isLessThan(Duration.ofMillis(150));
        }
    }

    @Test
    void slowTargetNeverOverlapsAndLateTicksDoNotPileUp() {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        IntervalWorker worker = new IntervalWorker(supervisor, "slow", Duration.ofMillis(5), WorkerTarget.of(() -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            busyFor(Duration.ofMillis(30));
            concurrent.decrementAndGet();
            runs.incrementAndGet();
        }));
        long started = System.nanoTime();
        worker.start();
        await().until(() -> runs.get() >= 5);
        worker.stop();
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(most).hasValue(1);
        // Missed ticks make one run right after, not a pile: at most one run per 30 ms of work.
        assertThat(runs.get()).isLessThanOrEqualTo((int) (elapsedMs / 30) + 1);
    }

    @Test
    void aTickThatFindsTheRunStillGoingRunsRightAfterItInsteadOfBeingDropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Long> starts = new CopyOnWriteArrayList<>();
        TickCountingWorker worker = new TickCountingWorker("overrun", Duration.ofSeconds(1), () -> {
            starts.add(System.nanoTime());
            if (starts.size() == 1) {
                release.await(); // the first run overruns the next tick
            }
        });
        worker.start();
        await().until(() -> ticks.get() >= 2);           // the second tick came while the first run went on
        long released = System.nanoTime();
        release.countDown();
        await().until(() -> starts.size() >= 2);
        worker.stop();
        // Right after, not at the third tick a second later (generous: it takes microseconds).
        assertThat(Duration.ofNanos(starts.get(1) - released)).isLessThan(Duration.ofMillis(500));
    }

    /**
     * Found by the interval benchmark: a run held up before it began (here by its run guard; there by a pool
     * thread the host did not schedule for 90 ms) was followed at once by a second run for the ticks that came
     * meanwhile, two runs in one tick. The held-up run began after those ticks: it was their one run.
     */
    @Test
    void aRunHeldUpBeforeItBeganIsTheRunOfTheTicksThatCameMeanwhileNotFollowedByAnother() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        List<Integer> ticksAtStart = new CopyOnWriteArrayList<>();
        TickCountingWorker worker = new TickCountingWorker("held", Duration.ofMillis(500),
                () -> ticksAtStart.add(ticks.get()));
        worker.setRunGuard(w -> {
            if (asked.incrementAndGet() == 1) {
                release.await(); // the first run's guard blocks, as a lock in a slow store would
            }
            return Optional.of(() -> { });
        });
        worker.start();
        await().until(() -> worker.getMisfires() >= 2); // two ticks came while the first run had not begun
        // A timer fires its lead (about a millisecond) before its tick is due: released within it, the first run
        // would begin before the second tick was due, and owe it a run. Released well past it, well before the next.
        await().until(() -> System.nanoTime() - lastTickNanos.get() > Duration.ofMillis(50).toNanos());
        release.countDown();
        await().until(() -> ticksAtStart.size() >= 2);
        worker.stop();
        // The second run is a later tick's, not one right after the first for the ticks that came before it.
        assertThat(ticksAtStart.get(1)).as("ticks seen by the second run").isGreaterThan(ticksAtStart.get(0));
        assertThat(asked).hasValue(ticksAtStart.size());
    }

    @Test
    void fixedDelayWaitsAfterEachRunAndDelayBeforeDelaysTheFirst() {
        List<Long> starts = new CopyOnWriteArrayList<>();
        IntervalWorker worker = new IntervalWorker(supervisor, "paused", WorkerTarget.of(() -> {
            starts.add(System.nanoTime());
            busyFor(Duration.ofMillis(20));
        }));
        worker.setDelay(Duration.ofMillis(30));
        worker.setInitialDelay(Duration.ofMillis(50));
        long started = System.nanoTime();
        worker.start();
        await().until(() -> starts.size() >= 3);
        worker.stop();
        assertThat(Duration.ofNanos(starts.get(0) - started)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        for (int i = 1; i < 3; i++) {
            assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1))).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        }
        assertThat(worker.getSchedule()).isEqualTo("delay PT0.03S");
    }

    @Test
    void intervalWithDelayIsRefused() {
        IntervalWorker worker = new IntervalWorker(supervisor, "both", Duration.ofSeconds(1),
                WorkerTarget.of(runs::incrementAndGet));
        worker.setDelay(Duration.ofSeconds(1));
        assertThatThrownBy(worker::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'both'").hasMessageContaining("interval").hasMessageContaining("delay");
        IntervalWorker none = new IntervalWorker(supervisor, "none", WorkerTarget.of(runs::incrementAndGet));
        assertThatThrownBy(none::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no schedule");
        assertThatThrownBy(() -> none.setInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void triggerRunsNowAndTriggerWithSkipSkipsTheNextScheduledRun() {
        IntervalWorker worker = new IntervalWorker(supervisor, "manual", WorkerTarget.of(runs::incrementAndGet));
        worker.setDelay(Duration.ofHours(1));
        worker.setInitialDelay(Duration.ofMillis(100));
        worker.start();
        worker.skipNextRun(); // the caller ran the target itself: the run due at 100 ms is skipped
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(3)).until(() -> runs.get() == 0);
        worker.trigger();
        await().until(() -> runs.get() == 1);
    }

    @Test
    void asyncIntervalWorkerRunsOnTheAloopsNamedThread() {
        supervisor.createAloop("timers", false, true, true);
        List<String> threads = new CopyOnWriteArrayList<>();
        IntervalWorker worker = new IntervalWorker(supervisor, "async-ticker", Duration.ofMillis(10),
                WorkerTarget.async((none, ctx) -> {
                    threads.add(Thread.currentThread().getName());
                    return CompletableFuture.completedFuture(null);
                }));
        worker.setAloop("timers");
        worker.start();
        await().until(() -> threads.size() >= 3);
        worker.stop();
        assertThat(threads).allSatisfy(t -> assertThat(t).isEqualTo("supervisor_" + id + "_aloop_timers"));
        assertThat(worker.info().aloop()).isEqualTo("timers");
    }

    @Test
    void startOverridesNameIntervalAndArguments() {
        List<Object> seen = new CopyOnWriteArrayList<>();
        IntervalWorker worker = new IntervalWorker(supervisor, "configured", Duration.ofHours(1), (none, ctx) -> {
            seen.add(ctx.name() + ":" + ctx.argument("region").orElse("?") + ":" + ctx.object());
            return null;
        });
        worker.setObject("o");
        worker.start(WorkerStart.defaults().withName("renamed").withInterval(Duration.ofMillis(10))
                .withArgument("region", "eu"));
        await().until(() -> seen.size() >= 2);
        assertThat(worker.getName()).isEqualTo("renamed");
        assertThat(supervisor.getWorker("renamed")).isSameAs(worker);
        assertThat(seen.get(0)).isEqualTo("renamed:eu:o");
        worker.stop();
    }

    @Test
    void aRunHandedToThePoolAheadOfItsTickNeverStartsBeforeIt() {
        // The timer fires up to a millisecond early so that the hand-off to a pool thread is done by the tick;
        // the thread then waits for the tick itself. The j-th run cannot start before the j-th tick, which is at
        // least j periods after the start began (read in beforeStart, just before the schedule is set up). The
        // second start is the one measured: the first links the code, which would hide a run a millisecond early.
        long period = Duration.ofMillis(20).toNanos();
        List<Long> starts = new CopyOnWriteArrayList<>();
        AtomicLong anchor = new AtomicLong();
        IntervalWorker worker = new IntervalWorker(supervisor, "on-time", Duration.ofNanos(period),
                WorkerTarget.of(() -> starts.add(System.nanoTime()))) {
            @Override
            protected void beforeStart() {
                anchor.set(System.nanoTime());
            }
        };
        worker.start();
        await().until(() -> starts.size() >= 3);
        worker.stop();
        starts.clear();
        worker.start();
        await().until(() -> starts.size() >= 10);
        worker.stop();
        for (int j = 0; j < 10; j++) {
            assertThat(starts.get(j) - anchor.get()).as("run %d", j).isGreaterThanOrEqualTo(j * period);
        }
    }

    /** An interval worker that counts its ticks in the test's fields (each timer firing, run or not). */
    private final class TickCountingWorker extends IntervalWorker {

        TickCountingWorker(String name, Duration interval, WorkerTarget.Body target) {
            super(supervisor, name, interval, WorkerTarget.of(target));
        }

        @Override
        public boolean isActive() {
            // The tick asks first thing whether the worker is active: the hook that sees every tick.
            if (Gap.calledFrom(this, IntervalWorker.class.getName(), "tick")) {
                lastTickNanos.set(System.nanoTime());
                ticks.incrementAndGet();
            }
            return super.isActive();
        }
    }
}
