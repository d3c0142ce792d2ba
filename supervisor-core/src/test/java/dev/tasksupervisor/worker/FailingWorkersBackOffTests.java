package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.testsupport.WorkerTestSupport;

/**
 * Interval and event workers whose runs keep failing wait longer between runs, and a success ends it (the
 * continuous kinds are in {@code ContinuousWorkerTests}). Asserted as "fewer than N failed runs by the time
 * the fourth was seen": the default backoff waits 100, 200 and 400 ms, so the fourth failure comes after
 * 0.7 s, where without it an interval of 5 ms or a self-triggering event worker gets there in milliseconds.
 */
class FailingWorkersBackOffTests extends WorkerTestSupport {

    @Test
    void anIntervalWorkerWhoseRunsKeepFailingSkipsItsTicksUntilTheBackoffEnds() {
        IntervalWorker worker = new IntervalWorker(supervisor, "failing-tick", Duration.ofMillis(5), WorkerTarget.of(() -> {
            throw new IllegalStateException("database down");
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        long began = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 4);
        assertThat(worker.getFailures()).as("failed runs by the time the fourth was seen").isLessThan(8);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThan(Duration.ofMillis(500));
        assertThat(worker.info().failuresInARow()).isGreaterThanOrEqualTo(4);
        worker.stop();
    }

    @Test
    void anIntervalWorkerWithAFixedDelayWaitsTheLongerOfTheDelayAndTheBackoff() {
        IntervalWorker worker = new IntervalWorker(supervisor, "failing-delay", WorkerTarget.of(() -> {
            throw new IllegalStateException("database down");
        }));
        worker.setDelay(Duration.ofMillis(5));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 4);
        assertThat(worker.getFailures()).as("failed runs by the time the fourth was seen").isLessThan(8);
        worker.stop();
    }

    @Test
    void aSuccessEndsAnIntervalWorkersBackoff() {
        AtomicInteger runs = new AtomicInteger();
        IntervalWorker worker = new IntervalWorker(supervisor, "recovering", Duration.ofMillis(5), WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("not yet");
            }
        }));
        worker.setErrorHandler((w, error) -> { });
        // Without the reset, each of the 50 runs after the failure would wait 200 ms: 10 s, not a quarter of one.
        worker.setFailureBackoff(new FailureBackoff(Duration.ofMillis(200), 1, Duration.ofMillis(200)));
        worker.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 52);
        assertThat(worker.getFailures()).isEqualTo(1);
        assertThat(worker.info().failuresInARow()).isZero();
        worker.stop();
    }

    @Test
    void aTriggerRunsAFailingIntervalWorkerAtOnceAllTheSame() {
        IntervalWorker worker = new IntervalWorker(supervisor, "triggered", Duration.ofHours(1), WorkerTarget.of(() -> {
            throw new IllegalStateException("down");
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setFailureBackoff(new FailureBackoff(Duration.ofHours(1), 2, Duration.ofHours(1)));
        worker.start(); // runs at once, fails: the next scheduled run would wait an hour
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() == 1);
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() == 2);
        worker.stop();
    }

    @Test
    void anEventWorkerThatKeepsFailingRunsItsTriggersAfterItsBackoff() {
        AtomicReference<EventWorker> self = new AtomicReference<>();
        EventWorker worker = new EventWorker(supervisor, "failing-event", WorkerTarget.of(() -> {
            self.get().triggerNow(); // asks for the next run at once, every time
            throw new IllegalStateException("downstream down");
        }));
        self.set(worker);
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        long began = System.nanoTime();
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 4);
        assertThat(worker.getFailures()).as("failed runs by the time the fourth was seen").isLessThan(8);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThan(Duration.ofMillis(500));
        worker.stop();
    }

    @Test
    void anIdleEventWorkerTriggeredDuringItsBackoffRunsOnceWhenItEnds() {
        AtomicInteger runs = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "waits", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("first run fails");
            }
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setFailureBackoff(new FailureBackoff(Duration.ofMillis(300), 2, Duration.ofSeconds(1)));
        worker.start();
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() == 1 && !worker.isRunning());
        long failedAt = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            worker.trigger(); // during the backoff: coalesced into one run after it
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isGreaterThan(Duration.ofMillis(200));
        assertThat(worker.info().failuresInARow()).isZero();
        worker.trigger(); // the success ended the backoff: this one runs at once
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() == 3);
        worker.stop();
        assertThat(runs).hasValue(3);
    }

    @Test
    void anAsyncEventWorkerBacksOffToo() {
        supervisor.createAloop("loop", true, true, true);
        AtomicReference<EventWorker> self = new AtomicReference<>();
        EventWorker worker = new EventWorker(supervisor, "failing-async-event", WorkerTarget.async((none, ctx) -> {
            self.get().triggerNow();
            return CompletableFuture.failedFuture(new IllegalStateException("down"));
        }));
        self.set(worker);
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 4);
        assertThat(worker.getFailures()).as("failed runs by the time the fourth was seen").isLessThan(8);
        worker.stop();
    }
}
