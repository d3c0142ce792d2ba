package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.TaskSupervisor;

/** The probes of issue 14, on the API before the redesign: each fails on the code before it. */
class BrokenPromisesTest extends WorkerTestSupport {

    @Test
    void aQueueWorkerWhoseTargetStopsItsOwnWorkerStops() {
        AtomicReference<BackgroundWorker> self = new AtomicReference<>();
        CompletableFuture<Void> returned = new CompletableFuture<>();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "self-stop", WorkerTarget.of((Integer item) -> {
            self.get().stop();
            returned.complete(null);
        }));
        self.set(worker);
        worker.start();
        worker.put(1);
        await().atMost(Duration.ofSeconds(10)).until(returned::isDone);
        await().until(worker::isStopped);
    }

    @Test
    void anEventWorkerWhoseTargetRestartsItsOwnWorkerRunsAgain() {
        AtomicReference<EventWorker> self = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "self-restart", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                self.get().restart();
            }
        }));
        self.set(worker);
        worker.start();
        worker.trigger();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1 && worker.isActive() && !worker.isRunning());
        worker.trigger();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
    }

    @Test
    void restartWhileItemsArePutLosesNone() throws Exception {
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "restarted", WorkerTarget.of(handled::add));
        worker.start();
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        AtomicBoolean putting = new AtomicBoolean(true);
        List<Thread> putters = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int base = p * 1_000_000;
            Thread putter = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    try {
                        worker.put(base + i);
                        accepted.add(base + i);
                    } catch (IllegalStateException refused) {
                        // stopping or stopped: refused, not accepted
                    }
                }
                putting.set(false);
            });
            putter.start();
            putters.add(putter);
        }
        List<Throwable> restartFailures = new CopyOnWriteArrayList<>();
        while (putting.get()) {
            try {
                worker.restart();
            } catch (RuntimeException e) {
                restartFailures.add(e);
                worker.start();
            }
        }
        for (Thread putter : putters) {
            putter.join();
        }
        worker.stop();
        List<Integer> handedBack = worker.getUndelivered();
        Set<Integer> outcome = ConcurrentHashMap.newKeySet();
        outcome.addAll(handled);
        outcome.addAll(handedBack);
        assertThat(restartFailures).isEmpty();
        assertThat(accepted).isNotEmpty();
        assertThat(outcome).containsAll(accepted);
    }

    @Test
    void aForcedStopHandsBackTheItemItInterrupted() {
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "interrupted", WorkerTarget.of((Integer item) -> {
            started.incrementAndGet();
            Thread.sleep(2);
            handled.incrementAndGet();
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        for (int i = 0; i < 10_000; i++) {
            worker.put(i);
        }
        await().until(() -> started.get() > 10);
        worker.stop(Duration.ofMillis(100));
        List<Integer> handedBack = worker.getUndelivered();
        assertThat(handled.get() + handedBack.size()).isEqualTo(10_000);
    }

    @Test
    void oneRefusalByTheExecutorDoesNotWedgeAQueueWorker() {
        TaskSupervisor refusing = new TaskSupervisor(SupervisorThreads.uniqueId("refusing"));
        refusing.setExecutor(new RefusingOnce());
        refusing.start();
        try {
            List<Integer> handled = new CopyOnWriteArrayList<>();
            QueueWorker<Integer> worker = new QueueWorker<>(refusing, "wedged", WorkerTarget.of(handled::add));
            worker.start();
            try {
                worker.put(1);
            } catch (Throwable refusedOnce) {
                // before the fix, the refusal reached the putter
            }
            worker.put(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(2));
            assertThat(worker.isActive()).isTrue();
        } finally {
            refusing.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void oneRefusalByTheExecutorDoesNotWedgeAnEventWorker() {
        TaskSupervisor refusing = new TaskSupervisor(SupervisorThreads.uniqueId("refusing"));
        refusing.setExecutor(new RefusingOnce());
        refusing.start();
        try {
            AtomicInteger runs = new AtomicInteger();
            EventWorker worker = new EventWorker(refusing, "wedged", WorkerTarget.of(runs::incrementAndGet));
            worker.setErrorHandler((w, error) -> { });
            worker.start();
            try {
                worker.trigger();
            } catch (Throwable refusedOnce) {
                // before the fix, the refusal reached the caller
            }
            worker.trigger();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
        } finally {
            refusing.stop(Duration.ofSeconds(5));
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

    @Test
    void aBatchSizeOfZeroIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                QueueWorker.<String>batched(supervisor, "empty-batches", 0, WorkerTarget.of(batch -> { })));
    }

    /** A pool whose first {@code execute} fails as a JVM out of native threads does. */
    private static final class RefusingOnce extends ThreadPoolExecutor {

        private final AtomicBoolean refused = new AtomicBoolean();

        RefusingOnce() {
            super(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        public void execute(Runnable command) {
            if (refused.compareAndSet(false, true)) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
            }
            super.execute(command);
        }
    }
}
