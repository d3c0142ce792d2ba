package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.tasksupervisor.testsupport.WorkerTestSupport;

class ContinuousWorkerTests extends WorkerTestSupport {

    @Test
    void plainWorkerRunsItsTargetAgainAndAgainOnAPoolThread() {
        AtomicInteger runs = new AtomicInteger();
        List<String> threads = new CopyOnWriteArrayList<>();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "spinner", WorkerTarget.of(() -> {
            runs.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            busyFor(Duration.ofMillis(1));
        }));
        worker.start();
        assertThat(worker.getKind()).isEqualTo(WorkerKind.PLAIN);
        await().until(() -> runs.get() >= 5);
        worker.stop();
        assertThat(worker.isStopped()).isTrue();
        int after = runs.get();
        assertThat(worker.getRuns()).isEqualTo(after);
        assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("supervisor_" + id + "_pool_"));
        assertThat(threads.stream().distinct()).as("the worker keeps one pool thread").hasSize(1);
    }

    @Test
    void asyncWorkerRunsOnItsAloopOneRunAfterAnother() {
        supervisor.createAloop("loop", true, true, true);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<String> threads = new CopyOnWriteArrayList<>();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "async", WorkerTarget.async((none, ctx) -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
            return supervisor.getAloop("loop").sleep(Duration.ofMillis(2)).thenRun(() -> {
                concurrent.decrementAndGet();
                runs.incrementAndGet();
            });
        }));
        worker.start();
        assertThat(worker.getKind()).isEqualTo(WorkerKind.ASYNC);
        await().until(() -> runs.get() >= 5);
        worker.stop();
        assertThat(most).hasValue(1);
        assertThat(threads).allSatisfy(t -> assertThat(t).isEqualTo("supervisor_" + id + "_aloop_loop"));
    }

    @Test
    void returningFalseStopsTheWorker() {
        AtomicInteger runs = new AtomicInteger();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "three", (none, ctx) -> runs.incrementAndGet() < 3);
        worker.start();
        await().until(worker::isStopped);
        assertThat(runs).hasValue(3);
    }

    @Test
    void asyncStageCompletingWithFalseStopsTheWorker() {
        supervisor.createAloop("loop", true, true, true);
        AtomicInteger runs = new AtomicInteger();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "async-three", WorkerTarget.async(
                (none, ctx) -> CompletableFuture.completedFuture(runs.incrementAndGet() < 3)));
        worker.start();
        await().until(worker::isStopped);
        assertThat(runs).hasValue(3);
    }

    @Test
    void asyncTargetWithoutAnyAloopIsAClearError() {
        ContinuousWorker worker = new ContinuousWorker(supervisor, "homeless",
                WorkerTarget.async((none, ctx) -> CompletableFuture.completedFuture(null)));
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("homeless").hasMessageContaining("no default aloop");
        worker.setAloop("missing");
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("aloop 'missing'");
        assertThat(worker.getState()).isEqualTo(WorkerState.NEW);
    }

    @Test
    void failuresAreCountedHandledAndTheWorkerGoesOn() {
        AtomicInteger runs = new AtomicInteger();
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "flaky", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("even run");
            }
        }));
        worker.setErrorHandler((w, error) -> seen.add(error));
        worker.start();
        await().until(() -> runs.get() >= 10);
        worker.stop();
        assertThat(worker.getFailures()).isEqualTo(seen.size()).isGreaterThanOrEqualTo(5);
        assertThat(seen).allSatisfy(e -> assertThat(e).hasMessage("even run"));
    }

    /** Found by a probe: a target that always threw ran 14,850 times a second. */
    @Test
    void aWorkerWhoseRunsKeepFailingBacksOffInsteadOfSpinning() {
        ContinuousWorker worker = new ContinuousWorker(supervisor, "failing", WorkerTarget.of(() -> {
            throw new IllegalStateException("database down");
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        // The default backoff waits 100, 200, 400 ms: the fourth failure comes after 0.7 s, not 0.3 ms.
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 4);
        assertThat(worker.getFailures()).as("failed runs by the time the fourth was seen").isLessThan(20);
    }

    @Test
    void anAsyncWorkerWhoseRunsKeepFailingBacksOffToo() {
        supervisor.createAloop("loop", true, true, true);
        ContinuousWorker worker = new ContinuousWorker(supervisor, "failing-async", WorkerTarget.async((none, ctx) ->
                CompletableFuture.failedFuture(new IllegalStateException("database down"))));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 4);
        assertThat(worker.getFailures()).as("failed runs by the time the fourth was seen").isLessThan(20);
    }

    @Test
    void aSuccessResetsTheBackoff() {
        AtomicInteger runs = new AtomicInteger();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "flaky", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("even run");
            }
        }));
        worker.setErrorHandler((w, error) -> { });
        // Without the reset the second failure would wait 20 s, the third 5.5 hours.
        worker.setFailureBackoff(new FailureBackoff(Duration.ofMillis(20), 1000, Duration.ofHours(1)));
        worker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 10);
        assertThat(worker.getFailures()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aStopEndsABackoffAtOnceForBothKinds() {
        supervisor.createAloop("loop", true, true, true);
        ContinuousWorker sync = new ContinuousWorker(supervisor, "sync", WorkerTarget.of(() -> {
            throw new IllegalStateException("down");
        }));
        ContinuousWorker async = new ContinuousWorker(supervisor, "async", WorkerTarget.async((none, ctx) ->
                CompletableFuture.failedFuture(new IllegalStateException("down"))));
        for (ContinuousWorker worker : List.of(sync, async)) {
            worker.setErrorHandler((w, error) -> { });
            worker.setFailureBackoff(new FailureBackoff(Duration.ofHours(1), 2, Duration.ofHours(1)));
            worker.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() == 1);
            // Not woken, the stop would wait out its 30 s and force the worker: the report would say so.
            assertThat(worker.stop(Duration.ofSeconds(30)).isComplete()).as(worker.getName()).isTrue();
            assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
            worker.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() == 2);
            assertThat(worker.stop(Duration.ofSeconds(30)).isComplete()).as(worker.getName() + ", started again").isTrue();
        }
    }

    /** Found by review: the backoff's timer was on the aloop, which drops its timers when it stops. */
    @Test
    void anAsyncWorkerWhoseAloopStopsWhileItBacksOffStopsInsteadOfStayingActiveWithNothingToRunIt() {
        supervisor.createAloop("loop", true, true, true);
        ContinuousWorker worker = new ContinuousWorker(supervisor, "orphaned", WorkerTarget.async((none, ctx) ->
                CompletableFuture.failedFuture(new IllegalStateException("down"))));
        worker.setErrorHandler((w, error) -> { });
        worker.setFailureBackoff(new FailureBackoff(Duration.ofMillis(200), 1, Duration.ofMillis(200)));
        worker.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 1);
        supervisor.stopAloop("loop");
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getState() == WorkerState.STOPPED);
    }

    /** Found by review: only the last kind of failure was remembered, so two that alternate were each logged in full. */
    @Test
    void twoFailuresThatAlternateAreEachLoggedOnceWithTheirOwnCount() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(BackgroundWorker.class);
        logger.addAppender(logs);
        try {
            AtomicInteger runs = new AtomicInteger();
            ContinuousWorker worker = new ContinuousWorker(supervisor, "alternating", WorkerTarget.of(() -> {
                if (runs.incrementAndGet() % 2 == 0) {
                    throw new IllegalStateException("even");
                }
                throw new IllegalArgumentException("odd");
            }));
            worker.setFailureBackoff(FailureBackoff.none());
            worker.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 1000);
            worker.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> errorsIn(logs).size() >= 4);
            List<String> errors = errorsIn(logs).stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(errors).hasSize(4);
            assertThat(errors.subList(0, 2)).containsExactly(
                    "Worker 'alternating' failed: java.lang.IllegalArgumentException: odd",
                    "Worker 'alternating' failed: java.lang.IllegalStateException: even");
            assertThat(errors.subList(2, 4)).allSatisfy(line -> assertThat(line).contains("more time(s)"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void theDefaultErrorHandlerLogsTheSameFailureOnceAndItsCountWhenTheWorkerStops() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(BackgroundWorker.class);
        logger.addAppender(logs);
        try {
            AtomicInteger runs = new AtomicInteger();
            ContinuousWorker worker = new ContinuousWorker(supervisor, "noisy", WorkerTarget.of(() -> {
                throw new IllegalStateException("run " + runs.incrementAndGet()); // the message differs run by run
            }));
            worker.setFailureBackoff(FailureBackoff.none());
            worker.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() >= 1000);
            worker.stop();
            // The count is logged once the worker has stopped, by the thread that ended its loop.
            await().atMost(Duration.ofSeconds(30)).until(() -> errorsIn(logs).size() >= 2);
            List<ILoggingEvent> events = errorsIn(logs);
            List<String> errors = events.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(errors).hasSize(2);
            assertThat(errors.get(0)).isEqualTo("Worker 'noisy' failed: java.lang.IllegalStateException: run 1");
            assertThat(events.get(0).getThrowableProxy()).as("the first comes with its stack trace").isNotNull();
            assertThat(events.get(1).getThrowableProxy()).as("the count comes without").isNull();
            assertThat(errors.get(1)).startsWith(String.format(Locale.ROOT, "Worker 'noisy' failed %,d more time(s)",
                    worker.getFailures() - 1))
                    .contains("same error");
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void anAsyncWorkerNeverOverlapsItselfAfterAForcedStop() {
        supervisor.createAloop("loop", true, true, true);
        ExecutorService elsewhere = Executors.newCachedThreadPool();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "async", WorkerTarget.async((none, ctx) ->
                CompletableFuture.runAsync(() -> {
                    if (inside.incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    busyFor(Duration.ofMillis(20));
                    inside.decrementAndGet();
                }, elsewhere)));
        try {
            worker.start();
            for (int i = 0; i < 20; i++) {
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> inside.get() > 0);
                worker.stop(Duration.ofMillis(1));
                // At once: the run the stop gave up on is still going, and a start must not run another beside it.
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> !worker.isRunning());
                worker.start();
            }
            worker.stop(Duration.ofSeconds(5));
            assertThat(overlaps).hasValue(0);
        } finally {
            elsewhere.shutdownNow();
        }
    }

    private static List<ILoggingEvent> errorsIn(ListAppender<ILoggingEvent> logs) {
        synchronized (logs) { // the appender appends under its own monitor, from the worker's threads
            return logs.list.stream().filter(event -> event.getLevel() == Level.ERROR).toList();
        }
    }
}
