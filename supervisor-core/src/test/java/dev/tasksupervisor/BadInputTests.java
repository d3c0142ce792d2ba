package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerStart;
import dev.tasksupervisor.worker.WorkerState;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * The catalogue of bad input to the core API (issue #7, "Bad input"): each case is refused at once with
 * an exception whose message names the thing (setting, worker, aloop, supervisor) and says what to do;
 * nothing hangs and nothing is dropped silently. The Spring and HTTP sides of the same cases are in the
 * autoconfigure module's {@code BadConfigurationTests} and {@code SupervisorEndpointBadRequestHttpTests}.
 */
class BadInputTests {

    private final String id = SupervisorThreads.uniqueId("bad-input");
    private final TaskSupervisor supervisor = new TaskSupervisor(id);

    @AfterEach
    void stopSupervisor() {
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    private TaskSupervisor started() {
        supervisor.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(4).build());
        supervisor.start();
        return supervisor;
    }

    private static WorkerTarget<Void> nothing() {
        return WorkerTarget.of(() -> { });
    }

    @Nested
    class PoolSizes {

        @Test
        void negativeMinSize() {
            assertThatIllegalArgumentException().isThrownBy(() -> PoolSettings.builder().minSize(-1).build())
                    .withMessage("pool minSize must not be negative, was -1: set it to 0 or more");
        }

        @Test
        void zeroOrNegativeMaxSize() {
            assertThatIllegalArgumentException().isThrownBy(() -> PoolSettings.builder().maxSize(0).build())
                    .withMessage("pool maxSize must be at least 1, was 0: set it to 1 or more");
            assertThatIllegalArgumentException().isThrownBy(() -> PoolSettings.builder().maxSize(-3).build())
                    .withMessage("pool maxSize must be at least 1, was -3: set it to 1 or more");
        }

        @Test
        void negativePriorityLimits() {
            assertThatIllegalArgumentException().isThrownBy(() -> PoolSettings.builder().poolSize(-2).build())
                    .withMessage("pool poolSize must not be negative, was -2: set it to 0 or more");
            assertThatIllegalArgumentException().isThrownBy(() -> PoolSettings.builder().reserveNormal(-1).build())
                    .withMessage("pool reserveNormal must not be negative, was -1: set it to 0 or more");
            assertThatIllegalArgumentException().isThrownBy(() -> PoolSettings.builder().reserveHigh(-1).build())
                    .withMessage("pool reserveHigh must not be negative, was -1: set it to 0 or more");
        }

        @Test
        void minSizeAboveMaxSize() {
            assertThatIllegalArgumentException().isThrownBy(() -> PoolSettings.builder().minSize(5).maxSize(3).build())
                    .withMessage("pool minSize (5) must not be above maxSize (3): lower minSize or raise maxSize");
        }

        @Test
        void resizeWithBadSizesChangesNothing() {
            started();
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.resizePool(5, 3))
                    .withMessage("pool minSize (5) must not be above maxSize (3): lower minSize or raise maxSize");
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.resizePool(-1, 3))
                    .withMessage("pool minSize must not be negative, was -1: set it to 0 or more");
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.resizePool(0, -1))
                    .withMessage("pool maxSize must be at least 1, was -1: set it to 1 or more");
            assertThat(supervisor.poolInfo().minSize()).isEqualTo(1);
            assertThat(supervisor.poolInfo().maxSize()).isEqualTo(4);
        }

        @Test
        void resizeBeforeStartIsCheckedToo() {
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.resizePool(5, 3))
                    .withMessageContaining("minSize (5) must not be above maxSize (3)");
            supervisor.resizePool(2, 3);
            assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(3);
        }

        @Test
        void resizeAfterStop() {
            started().stop();
            assertThatIllegalStateException().isThrownBy(() -> supervisor.resizePool(1, 2))
                    .withMessage("task supervisor '" + id + "' is STOPPED: cannot resize the pool");
        }

        @Test
        void keepAliveTooLongToCountInNanosecondsMeansForEver() {
            Duration centuries = Duration.ofSeconds(Long.MAX_VALUE);
            supervisor.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(2).keepAlive(centuries).build());
            supervisor.start();
            assertThat(supervisor.spawn(() -> "ran").join()).isEqualTo("ran");
            supervisor.setPoolSettings(supervisor.getPoolSettings().toBuilder().keepAlive(centuries.minusDays(1)).build());
            assertThat(supervisor.getPoolSettings().keepAlive()).isEqualTo(centuries.minusDays(1));
        }

        @Test
        void zeroOrNegativeDurations() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> PoolSettings.builder().keepAlive(Duration.ofSeconds(-1)).build())
                    .withMessage("pool keepAlive must not be negative, was PT-1S: set it to 0 or a positive duration");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> PoolSettings.builder().checkInterval(Duration.ZERO).build())
                    .withMessage("pool checkInterval must be positive, was PT0S: set a positive duration, such as 5s");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> PoolSettings.builder().checkTimeout(Duration.ofMillis(-1)).build())
                    .withMessage("pool checkTimeout must be positive, was PT-0.001S: set a positive duration, such as 1s");
        }
    }

    @Nested
    class IntervalsAndDelays {

        @Test
        void zeroInterval() {
            IntervalWorker worker = new IntervalWorker(supervisor, "tick", nothing());
            assertThatIllegalArgumentException().isThrownBy(() -> worker.setInterval(Duration.ZERO))
                    .withMessage("worker 'tick': interval must be positive, was PT0S: set a positive duration, such as 1s");
        }

        @Test
        void negativeIntervalOrDelay() {
            IntervalWorker worker = new IntervalWorker(supervisor, "tick", nothing());
            assertThatIllegalArgumentException().isThrownBy(() -> worker.setInterval(Duration.ofSeconds(-1)))
                    .withMessage("worker 'tick': interval must be positive, was PT-1S: set a positive duration, such as 1s");
            assertThatIllegalArgumentException().isThrownBy(() -> worker.setDelay(Duration.ofSeconds(-1)))
                    .withMessage("worker 'tick': delay must be positive, was PT-1S: set a positive duration, such as 1s");
            assertThatIllegalArgumentException().isThrownBy(() -> worker.setInitialDelay(Duration.ofSeconds(-1)))
                    .withMessage("worker 'tick': initialDelay must not be negative, was PT-1S: set it to 0 (the default) "
                            + "or a positive duration");
        }

        @Test
        void zeroIntervalAsAStartOverride() {
            started();
            IntervalWorker worker = new IntervalWorker(supervisor, "tick", Duration.ofSeconds(1), nothing());
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> worker.start(WorkerStart.defaults().withInterval(Duration.ZERO)))
                    .withMessage("worker 'tick': interval must be positive, was PT0S: set a positive duration, such as 1s");
            assertThat(worker.getState()).isEqualTo(WorkerState.NEW);
        }

        @Test
        void intervalWithDelay() {
            started();
            IntervalWorker worker = new IntervalWorker(supervisor, "tick", Duration.ofSeconds(1), nothing());
            worker.setDelay(Duration.ofSeconds(2));
            assertThatIllegalArgumentException().isThrownBy(worker::start)
                    .withMessage("worker 'tick' has both an interval (PT1S) and a delay (PT2S): set one, interval for "
                            + "a fixed rate or delay for a pause after each run");
            assertThat(worker.getState()).isEqualTo(WorkerState.NEW);
            assertThat(supervisor.findWorker("tick")).isEmpty();
        }

        @Test
        void intervalWithDelayAsStartOverrides() {
            started();
            IntervalWorker worker = new IntervalWorker(supervisor, "tick", nothing());
            assertThatIllegalArgumentException().isThrownBy(() -> worker.start(WorkerStart.defaults()
                            .withInterval(Duration.ofSeconds(1)).withDelay(Duration.ofSeconds(2))))
                    .withMessageStartingWith("worker 'tick' has both an interval (PT1S) and a delay (PT2S): set one");
        }

        @Test
        void neitherIntervalNorDelay() {
            started();
            IntervalWorker worker = new IntervalWorker(supervisor, "tick", nothing());
            assertThatIllegalArgumentException().isThrownBy(worker::start)
                    .withMessage("worker 'tick' has no schedule: set an interval, a delay or a schedule (cron)");
        }
    }

    @Nested
    class Aloops {

        @Test
        void unknownAloop() {
            started();
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.getAloop("io"))
                    .withMessage("task supervisor '" + id + "' has no aloop named 'io': create it first (createAloop, "
                            + "or supervisor.aloops.io in Spring configuration)");
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.setDefaultAloop("io"))
                    .withMessageContaining("has no aloop named 'io': create it first");
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.startAloop("io"))
                    .withMessageContaining("has no aloop named 'io': create it first");
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.stopAloop("io"))
                    .withMessageContaining("has no aloop named 'io': create it first");
        }

        @Test
        void unknownAloopOfAnAsyncWorker() {
            started();
            ContinuousWorker worker = new ContinuousWorker(supervisor, "poll",
                    WorkerTarget.async((none, context) -> CompletableFuture.completedFuture(null)));
            worker.setAloop("io");
            assertThatIllegalStateException().isThrownBy(worker::start)
                    .withMessage("worker 'poll' needs aloop 'io', which task supervisor '" + id + "' does not have: "
                            + "create it (createAloop, or supervisor.aloops.io)");
            assertThatIllegalStateException().isThrownBy(() -> worker.start(WorkerStart.defaults().withAloop("db")))
                    .withMessageStartingWith("worker 'poll' needs aloop 'db'");
            assertThat(worker.getState()).isEqualTo(WorkerState.NEW);
        }

        @Test
        void asyncWorkerWithoutAnyAloop() {
            started();
            ContinuousWorker worker = new ContinuousWorker(supervisor, "poll",
                    WorkerTarget.async((none, context) -> CompletableFuture.completedFuture(null)));
            assertThatIllegalStateException().isThrownBy(worker::start)
                    .withMessage("worker 'poll' has an async target but names no aloop, and task supervisor '" + id
                            + "' has no default aloop: create one with createAloop(name, true, ...) or set the "
                            + "worker's aloop");
        }

        @Test
        void duplicateAloopName() {
            started().createAloop("io");
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.createAloop("io"))
                    .withMessage("aloop 'io' already exists in task supervisor '" + id + "': choose another name or "
                            + "stop the existing one first");
        }

        @Test
        void reservedAloopName() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> supervisor.createAloop(TaskSupervisor.RESERVED_ALOOP_NAME))
                    .withMessage("aloop name '__supervisor__' is reserved for the supervisor's own loop: choose "
                            + "another name");
            assertThat(supervisor.getAloops()).isEmpty();
        }

        @Test
        void emptyAloopName() {
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.createAloop(" "))
                    .withMessage("aloop name must not be empty: give the aloop a name");
        }
    }

    @Nested
    class WorkerNames {

        @Test
        void duplicateWorkerName() {
            started();
            new EventWorker(supervisor, "refresh", nothing()).start();
            EventWorker second = new EventWorker(supervisor, "refresh", nothing());
            assertThatIllegalArgumentException().isThrownBy(second::start)
                    .withMessage("task supervisor '" + id + "' already has a worker named 'refresh': give this one "
                            + "another name, or unregister the other first");
            assertThat(second.getState()).isEqualTo(WorkerState.NEW);
        }

        @Test
        void duplicateWorkerNameAsAStartOverride() {
            started();
            new EventWorker(supervisor, "refresh", nothing()).start();
            EventWorker other = new EventWorker(supervisor, "other", nothing());
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> other.start(WorkerStart.defaults().withName("refresh")))
                    .withMessageContaining("already has a worker named 'refresh'");
            assertThat(other.getName()).isEqualTo("other");
            assertThat(other.getState()).isEqualTo(WorkerState.NEW);
        }

        @Test
        void emptyWorkerName() {
            assertThatIllegalArgumentException().isThrownBy(() -> new EventWorker(supervisor, "", nothing()))
                    .withMessage("worker name must not be empty: give the worker a name");
            assertThatIllegalArgumentException().isThrownBy(() -> WorkerStart.defaults().withName(" "))
                    .withMessage("a worker's start name must not be empty: give a name, or start the worker without "
                            + "withName to keep its own");
        }

        @Test
        void noTarget() {
            assertThatNullPointerException().isThrownBy(() -> new EventWorker(supervisor, "refresh", null))
                    .withMessage("worker 'refresh' has no target: pass a WorkerTarget, or extend the worker class and "
                            + "override its run method");
            assertThatNullPointerException().isThrownBy(() -> new QueueWorker<String>(supervisor, "ship", null))
                    .withMessageStartingWith("worker 'ship' has no target");
            assertThatNullPointerException().isThrownBy(() -> QueueWorker.<String>batched(supervisor, "store", 10, null))
                    .withMessageStartingWith("worker 'store' has no target");
        }

        @Test
        void unknownWorker() {
            started();
            new EventWorker(supervisor, "refresh", nothing()).start();
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.getWorker("nobody"))
                    .withMessage("task supervisor '" + id + "' has no worker named 'nobody'; known: [refresh]");
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.trigger("nobody"))
                    .withMessageContaining("has no worker named 'nobody'");
        }

        @Test
        void workerOfAnotherType() {
            started();
            new EventWorker(supervisor, "refresh", nothing()).start();
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.getQueueWorker("refresh"))
                    .withMessage("worker 'refresh' is an EVENT worker (EventWorker), not a QueueWorker: look it up "
                            + "with getWorker(name) or as an EventWorker");
        }
    }

    @Nested
    class WorkerLifeCycle {

        @Test
        void startBeforeTheSupervisorStarted() {
            EventWorker worker = new EventWorker(supervisor, "refresh", nothing());
            assertThatIllegalStateException().isThrownBy(worker::start)
                    .withMessage("worker 'refresh' cannot start: task supervisor '" + id + "' is NEW; start the "
                            + "supervisor first");
        }

        @Test
        void startOfAnActiveWorker() {
            started();
            EventWorker worker = new EventWorker(supervisor, "refresh", nothing());
            worker.start();
            assertThatIllegalStateException().isThrownBy(worker::start)
                    .withMessage("worker 'refresh' is already ACTIVE: stop it before starting it again (or call "
                            + "restart())");
            assertThat(worker.isActive()).isTrue();
        }

        @Test
        void startOrTriggerOfAWorkerStillStopping() throws Exception {
            started();
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            EventWorker worker = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> {
                running.countDown();
                release.await();
            }));
            worker.start();
            worker.trigger();
            running.await();
            worker.requestStop();
            assertThat(worker.getState()).isEqualTo(WorkerState.STOPPING);
            assertThatIllegalStateException().isThrownBy(worker::start)
                    .withMessage("worker 'refresh' is still STOPPING (finishing its run or draining its queue): start it "
                            + "once it has stopped (awaitStop)");
            assertThatIllegalStateException().isThrownBy(worker::trigger)
                    .withMessage("event worker 'refresh' is STOPPING: start it before triggering it");
            release.countDown();
            assertThat(worker.awaitStop(Duration.ofSeconds(10))).isTrue();
            worker.start();
            assertThat(worker.isActive()).isTrue();
        }

        @Test
        void spawnBeforeStartAndAfterStop() {
            assertThatIllegalStateException().isThrownBy(() -> supervisor.spawn(() -> { }))
                    .withMessage("task supervisor '" + id + "' is not started: call start() before spawning tasks or "
                            + "starting workers");
            started().stop();
            assertThatThrownBy(() -> supervisor.spawn(() -> { })).isInstanceOf(RejectedExecutionException.class)
                    .hasMessage("task supervisor '" + id + "' is STOPPED and accepts no new tasks");
        }

        @Test
        void configurationAfterStart() {
            started();
            ForkJoinPool replacement = new ForkJoinPool(1);
            try {
                assertThatIllegalStateException().isThrownBy(() -> supervisor.setExecutor(replacement))
                        .withMessage("task supervisor '" + id + "' is ACTIVE: replace the pool before calling start()");
            } finally {
                replacement.shutdown();
            }
        }
    }

    @Nested
    class QueueItems {

        @Test
        void nullItem() throws Exception {
            started();
            QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(item -> { }));
            worker.start();
            assertThatNullPointerException().isThrownBy(() -> worker.put(null))
                    .withMessage("queue worker 'ship': items must not be null; put a value (an empty Optional or a marker "
                            + "object can stand for nothing)");
            assertThatNullPointerException().isThrownBy(() -> worker.put(null, Duration.ofSeconds(1)))
                    .withMessageStartingWith("queue worker 'ship': items must not be null");
            assertThat(worker.getQueueSize()).isZero();
        }

        @Test
        void putBeforeStart() {
            QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(item -> { }));
            assertThatIllegalStateException().isThrownBy(() -> worker.put("order"))
                    .withMessage("queue worker 'ship' is NEW and accepts no items: start it before putting items");
        }

        @Test
        void putAfterStop() throws Exception {
            started();
            QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(item -> { }));
            worker.start();
            worker.stop();
            assertThatIllegalStateException().isThrownBy(() -> worker.put("order"))
                    .withMessage("queue worker 'ship' is STOPPED and accepts no items: start it before putting items");
            assertThatIllegalStateException().isThrownBy(() -> worker.put("order", Duration.ofSeconds(1)))
                    .withMessageStartingWith("queue worker 'ship' is STOPPED and accepts no items");
            assertThat(worker.getQueueSize()).isZero();
        }

        @Test
        void putAfterTheSupervisorStopped() {
            started();
            QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(item -> { }));
            worker.start();
            supervisor.stop();
            assertThatIllegalStateException().isThrownBy(() -> worker.put("order"))
                    .withMessageStartingWith("queue worker 'ship' is STOPPED and accepts no items");
        }

        @Test
        void putIntoAFullQueue() throws Exception {
            started();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(item -> {
                running.countDown();
                release.await();
            }));
            worker.setCapacity(1);
            worker.start();
            worker.put(1);
            running.await();
            worker.put(2);
            assertThatIllegalStateException().isThrownBy(() -> worker.put(3))
                    .withMessage("the queue of worker 'ship' is full (capacity 1): put with a timeout to wait for "
                            + "space, use offer, or raise the capacity");
            assertThatIllegalStateException().isThrownBy(() -> worker.put(3, Duration.ofMillis(20)))
                    .withMessage("the queue of worker 'ship' is full (capacity 1) and stayed full for PT0.02S: put "
                            + "with a timeout to wait for space, use offer, or raise the capacity");
            release.countDown();
            assertThat(worker.stop().undelivered(worker.getName())).isEmpty();
            assertThat(worker.getRuns()).isEqualTo(2);
        }

        @Test
        void putWithATimeoutTooLongToCountInNanosecondsWaitsAsLongAsItTakes() throws Exception {
            started();
            List<String> handled = new CopyOnWriteArrayList<>();
            QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(handled::add));
            worker.setCapacity(10);
            worker.start();
            worker.put("order", Duration.ofSeconds(Long.MAX_VALUE));
            assertThat(worker.stop().undelivered(worker.getName())).isEmpty();
            assertThat(handled).containsExactly("order");
        }

        @Test
        void negativeCapacityOrBatchSize() {
            QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(item -> { }));
            assertThatIllegalArgumentException().isThrownBy(() -> worker.setCapacity(-1))
                    .withMessage("worker 'ship': queue capacity must not be negative, was -1: set it to 0 (unbounded) "
                            + "or more");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> QueueWorker.<String>batched(supervisor, "store", -1, WorkerTarget.of(items -> { })))
                    .withMessage("worker 'store': batchSize must not be negative, was -1: set it to 0 (one item at a "
                            + "time) or more");
        }

        @Test
        void batchesOfNoItem() {
            // Accepted before, and then every item failed with a ClassCastException (issue 14).
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> QueueWorker.<String>batched(supervisor, "store", 0, WorkerTarget.of(items -> { })))
                    .withMessage("worker 'store': batchSize must be at least 1, was 0: give batches of 1 or more items, or "
                            + "make it a plain queue worker (new QueueWorker)");
        }
    }

    @Nested
    class Triggers {

        @Test
        void triggerOfAStoppedEventWorker() {
            started();
            EventWorker worker = new EventWorker(supervisor, "refresh", nothing());
            assertThatIllegalStateException().isThrownBy(worker::trigger)
                    .withMessage("event worker 'refresh' is NEW: start it before triggering it");
            worker.start();
            worker.stop();
            assertThatIllegalStateException().isThrownBy(worker::trigger)
                    .withMessage("event worker 'refresh' is STOPPED: start it before triggering it");
            assertThatIllegalStateException().isThrownBy(() -> supervisor.trigger("refresh"))
                    .withMessage("event worker 'refresh' is STOPPED: start it before triggering it");
            assertThat(worker.getRuns()).isZero();
        }

        @Test
        void triggerOfAStoppedIntervalWorker() {
            started();
            IntervalWorker worker = new IntervalWorker(supervisor, "tick", Duration.ofHours(1), nothing());
            worker.start();
            worker.stop();
            assertThatIllegalStateException().isThrownBy(worker::trigger)
                    .withMessage("interval worker 'tick' is STOPPED: start it before triggering it");
            assertThatIllegalStateException().isThrownBy(worker::skipNextRun)
                    .withMessage("interval worker 'tick' is STOPPED: start it before triggering it");
        }

        @Test
        void triggerOfAWorkerWithoutTrigger() {
            started();
            new QueueWorker<String>(supervisor, "ship", WorkerTarget.of(item -> { })).start();
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.trigger("ship"))
                    .withMessage("worker 'ship' is a QUEUE worker, which has no trigger: only event and interval "
                            + "workers do");
            supervisor.createAloop("io", true, true, true);
            new ContinuousWorker(supervisor, "poll", WorkerTarget.async((none, context) -> supervisor.getAloop("io")
                    .sleep(Duration.ofMillis(50)))).start();
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.trigger("poll"))
                    .withMessage("worker 'poll' is an ASYNC worker, which has no trigger: only event and interval "
                            + "workers do");
        }
    }
}
