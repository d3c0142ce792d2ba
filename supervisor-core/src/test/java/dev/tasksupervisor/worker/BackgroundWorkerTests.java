package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

/** What every kind of worker shares: its poll delay, its life cycle and hooks, its stop from its own run. */
class BackgroundWorkerTests extends WorkerTestSupport {

    @Test
    void aWorkerWithoutItsOwnPollDelayFollowsTheSupervisors() {
        EventWorker worker = new EventWorker(supervisor, "follows", WorkerTarget.of(() -> { }));
        supervisor.setPollDelay(Duration.ofMillis(42));
        assertThat(worker.getPollDelay()).isEqualTo(Duration.ofMillis(42));
        worker.setPollDelay(Duration.ofSeconds(3));
        assertThat(worker.getPollDelay()).isEqualTo(Duration.ofSeconds(3));
        worker.setPollDelay(null);
        assertThat(worker.getPollDelay()).isEqualTo(Duration.ofMillis(42));
    }

    @Test
    void aNegativePollDelayIsRefusedNamingTheWorker() {
        EventWorker worker = new EventWorker(supervisor, "negative", WorkerTarget.of(() -> { }));
        assertThatIllegalArgumentException().isThrownBy(() -> worker.setPollDelay(Duration.ofMillis(-1)))
                .withMessageContaining("'negative'");
    }

    @Test
    void aNegativePollDelayIsRefusedUnderTheConfiguredNameNotTheLastStartsOverride() {
        EventWorker worker = new EventWorker(supervisor, "configured", WorkerTarget.of(() -> { }));
        worker.start(WorkerStart.defaults().withName("started-as"));
        worker.stop();
        assertThatIllegalArgumentException().isThrownBy(() -> worker.setPollDelay(Duration.ofMillis(-1)))
                .withMessageStartingWith("worker 'configured'");
    }

    @Test
    void anEventWorkersOwnZeroPollDelayRunsACoalescedTriggerAtOnceDespiteALongSupervisorDelay() throws Exception {
        supervisor.setPollDelay(Duration.ofHours(1));
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventWorker worker = new EventWorker(supervisor, "eager", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                inFirstRun.countDown();
                release.await();
            }
        }));
        worker.setPollDelay(Duration.ZERO);
        worker.start();
        worker.trigger();
        inFirstRun.await();
        worker.trigger(); // coalesced: runs after the first, with this worker's delay, not the hour
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
    }

    @Test
    void aBatchLingersForItsWorkersOwnPollDelay() {
        supervisor.setPollDelay(Duration.ofHours(1));
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = QueueWorker.batched(supervisor, "quick-batches", 100,
                WorkerTarget.of(batches::add));
        worker.setPollDelay(Duration.ofMillis(20));
        worker.start();
        worker.put(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 1);
        assertThat(batches.get(0)).containsExactly(1);
    }

    @Test
    void lifecycleHooksRunAroundStartAndStopAndRestartWorks() {
        List<String> calls = new CopyOnWriteArrayList<>();
        EventWorker worker = new EventWorker(supervisor, "hooked", false) {
            @Override
            protected Object run(WorkerContext context) {
                calls.add("run");
                return null;
            }

            @Override
            protected void beforeStart() {
                calls.add("beforeStart");
            }

            @Override
            protected void afterStart() {
                calls.add("afterStart");
            }

            @Override
            protected void beforeStop() {
                calls.add("beforeStop");
            }

            @Override
            protected void afterStop() {
                calls.add("afterStop");
            }
        };
        assertThat(worker.isStarted()).isFalse();
        worker.start();
        assertThat(worker.isStarted()).isTrue();
        worker.trigger();
        await().until(() -> worker.getRuns() == 1);
        worker.restart();
        assertThat(worker.isActive()).isTrue();
        worker.stop();
        assertThat(calls).containsExactly("beforeStart", "afterStart", "run", "beforeStop", "afterStop",
                "beforeStart", "afterStart", "beforeStop", "afterStop");
        assertThat(worker.isStopped()).isTrue();
    }

    @Test
    void infoListsEveryWorkerWithItsCounters() {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "counted", (item, ctx) -> {
            if (item < 0) {
                throw new IllegalArgumentException("negative");
            }
            return null;
        });
        worker.setErrorHandler((w, e) -> { });
        worker.start();
        worker.put(1);
        worker.put(-1);
        await().until(() -> worker.getRuns() == 2);
        WorkerInfo info = supervisor.info().workers().get(0);
        assertThat(info.name()).isEqualTo("counted");
        assertThat(info.kind()).isEqualTo(WorkerKind.QUEUE);
        assertThat(info.state()).isEqualTo(WorkerState.ACTIVE);
        assertThat(info.schedule()).isEqualTo("per item");
        assertThat(info.runs()).isEqualTo(2);
        assertThat(info.failures()).isEqualTo(1);
        assertThat(info.lastRunStarted()).isNotNull();
        assertThat(info.lastRunDuration()).isNotNull();
        assertThat(info.queueSize()).isZero();
        assertThat(info.aloop()).isNull();
        assertThat(supervisor.info().workers()).hasSize(1);
    }

    @Test
    void infoShowsTheLastErrorWithItsTypeMessageAndTimeCutToABoundedLength() {
        AtomicReference<RuntimeException> failure = new AtomicReference<>(
                new IllegalStateException("first: " + "x".repeat(5_000)));
        EventWorker worker = new EventWorker(supervisor, "failing", WorkerTarget.of(() -> {
            throw failure.get();
        }));
        worker.setFailureBackoff(FailureBackoff.none());
        worker.setErrorHandler((w, e) -> { });
        assertThat(worker.info().lastError()).as("before any failure").isNull();
        Instant before = Instant.now();
        worker.start();
        worker.trigger();
        await().until(() -> worker.getFailures() == 1);
        WorkerInfo.LastError first = worker.info().lastError();
        assertThat(first.type()).isEqualTo("java.lang.IllegalStateException");
        assertThat(first.message()).as("cut").hasSize(WorkerInfo.LastError.MESSAGE_CHARS + 3).endsWith("...")
                .startsWith("first: xxx");
        failure.set(new java.io.UncheckedIOException(new java.io.IOException("second")));
        worker.trigger();
        await().until(() -> worker.getFailures() == 2);
        worker.stop();
        WorkerInfo.LastError last = worker.info().lastError();
        assertThat(last.type()).isEqualTo("java.io.UncheckedIOException");
        assertThat(last.message()).isEqualTo("java.io.IOException: second");
        assertThat(last.at()).isBetween(first.at(), Instant.now());
        assertThat(first.at()).isAfterOrEqualTo(before);
    }

    @Test
    void infoShowsAQueueWorkersCapacityInForceAndNoneForOtherKinds() {
        QueueWorker<Integer> queue = new QueueWorker<>(supervisor, "bounded", WorkerTarget.of(item -> { }));
        queue.setCapacity(500);
        assertThat(queue.info().capacity()).isEqualTo(500);
        queue.start();
        queue.setCapacity(600); // from the next start
        assertThat(queue.info().capacity()).isEqualTo(500);
        queue.stop();
        queue.start();
        assertThat(queue.info().capacity()).isEqualTo(600);
        queue.stop();
        assertThat(new QueueWorker<Integer>(supervisor, "unbounded", WorkerTarget.of(item -> { })).info().capacity())
                .isZero();
        assertThat(new EventWorker(supervisor, "event", WorkerTarget.of(() -> { })).info().capacity()).isZero();
    }

    @Test
    void tenThousandIdleWorkersHoldNoThreads() {
        int before = Thread.activeCount();
        List<BackgroundWorker> workers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            BackgroundWorker worker = switch (i % 3) {
                case 0 -> new IntervalWorker(supervisor, "interval-" + i, Duration.ofHours(1), WorkerTarget.of(() -> { }));
                case 1 -> new EventWorker(supervisor, "event-" + i, WorkerTarget.of(() -> { }));
                default -> new QueueWorker<Integer>(supervisor, "queue-" + i, WorkerTarget.of(item -> { }));
            };
            if (worker instanceof IntervalWorker interval) {
                interval.setInitialDelay(Duration.ofHours(1));
            }
            worker.start();
            workers.add(worker);
        }
        assertThat(supervisor.getWorkers()).hasSize(10_000);
        // No thread per worker: at most the pool, the supervisor's loop and a few JVM threads more.
        int poolMax = supervisor.getPoolSettings().maxSize();
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(before + poolMax + 1 + 5);
        assertThat(SupervisorThreads.of(id)).hasSizeLessThanOrEqualTo(1 + poolMax);
        long started = System.nanoTime();
        supervisor.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(workers).allSatisfy(w -> assertThat(w.isStopped()).isTrue());
    }

    /** The kinds of worker, each made with a body run by its target, and made to run once. */
    enum Kind {
        QUEUE, EVENT, INTERVAL, PLAIN;

        BackgroundWorker make(TaskSupervisor supervisor, String name, Runnable body, List<String> stops) {
            return switch (this) {
                case QUEUE -> new QueueWorker<Integer>(supervisor, name, WorkerTarget.of(item -> body.run())) {
                    @Override
                    protected void afterStop() {
                        stops.add("stopped");
                    }
                };
                case EVENT -> new EventWorker(supervisor, name, WorkerTarget.of(body::run)) {
                    @Override
                    protected void afterStop() {
                        stops.add("stopped");
                    }
                };
                case INTERVAL -> new IntervalWorker(supervisor, name, Duration.ofMillis(10), WorkerTarget.of(body::run)) {
                    @Override
                    protected void afterStop() {
                        stops.add("stopped");
                    }
                };
                case PLAIN -> new ContinuousWorker(supervisor, name, WorkerTarget.of(() -> {
                    body.run();
                    busyFor(Duration.ofMillis(1));
                })) {
                    @Override
                    protected void afterStop() {
                        stops.add("stopped");
                    }
                };
            };
        }

        /** Makes the worker run once more: a queued item or a trigger; interval and plain workers run by themselves. */
        @SuppressWarnings("unchecked")
        void kick(BackgroundWorker worker) {
            switch (this) {
                case QUEUE -> ((QueueWorker<Integer>) worker).put(1);
                case EVENT -> ((EventWorker) worker).trigger();
                default -> { }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTargetThatStopsItsOwnWorkerStopsItRatherThanWaitingForItself(Kind kind) {
        // Before issue 14 the stop waited for the run it was called from: it never returned, the worker stayed
        // STOPPING, and the supervisor's stop hung for ever.
        AtomicReference<BackgroundWorker> self = new AtomicReference<>();
        CompletableFuture<StopReport> returned = new CompletableFuture<>();
        BackgroundWorker worker = kind.make(supervisor, "self-stop", () -> {
            if (!returned.isDone()) {
                returned.complete(self.get().stop());
            }
        }, new CopyOnWriteArrayList<>());
        self.set(worker);
        worker.start();
        kind.kick(worker);

        assertThat(returned).succeedsWithin(Duration.ofSeconds(10))
                .satisfies(report -> assertThat(report.stopped()).as("the stop could not wait for its own run").isFalse());
        await().until(worker::isStopped);
        assertThat(supervisor.stop(Duration.ofSeconds(10)).isComplete()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTargetThatRestartsItsOwnWorkerHasItStartAgainOnceItsRunEnded(Kind kind) {
        AtomicReference<BackgroundWorker> self = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        List<String> stops = new CopyOnWriteArrayList<>();
        BackgroundWorker worker = kind.make(supervisor, "self-restart", () -> {
            if (runs.incrementAndGet() == 1) {
                self.get().restart();
            }
        }, stops);
        self.set(worker);
        worker.start();
        kind.kick(worker);

        await().until(() -> stops.size() == 1 && worker.isActive());
        kind.kick(worker);
        await().until(() -> runs.get() >= 2);
        assertThat(supervisor.stop(Duration.ofSeconds(10)).isComplete()).isTrue();
        assertThat(stops).hasSize(2);
    }
}
