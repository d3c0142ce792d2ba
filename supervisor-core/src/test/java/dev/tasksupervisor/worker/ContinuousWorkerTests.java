package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

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
}
