package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.SupervisorThreads;

/**
 * With a task decorator (the hook for MDC, security or tracing context), each worker run has the
 * context of the caller it belongs to, not that of whichever thread happened to dispatch it.
 */
class ContextRunTests {

    /** The "context" the decorator carries: who the calling thread acts for. */
    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    /** How many decorator wrappers the running code is inside. */
    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);

    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("context"));
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch inFirstRun = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    ContextRunTests() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
        supervisor.setTaskDecorator(task -> {
            String user = USER.get();
            if ("mallory".equals(user)) {
                throw new IllegalStateException("mallory has no context to carry");
            }
            if ("nobody".equals(user)) {
                return task; // nothing to carry from this thread: the run as it is
            }
            return () -> {
                String previous = USER.get();
                USER.set(user);
                DEPTH.set(DEPTH.get() + 1);
                try {
                    task.run();
                } finally {
                    DEPTH.set(DEPTH.get() - 1);
                    USER.set(previous);
                }
            };
        });
        supervisor.start();
    }

    @AfterEach
    void stopSupervisor() {
        release.countDown();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    @Test
    void eachQueueItemRunsInTheContextOfTheThreadThatPutIt() throws Exception {
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "items", WorkerTarget.of(item -> {
            blockTheFirstRun();
            seen.add(item + " as " + USER.get());
        }));
        worker.start();
        as("alice", () -> worker.put("a"));
        assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
        as("bob", () -> worker.put("b")); // queued behind the drain alice's put started
        as("carol", () -> worker.put("c"));
        release.countDown();
        await().until(() -> seen.size() == 3);
        assertThat(seen).containsExactly("a as alice", "b as bob", "c as carol");
    }

    @Test
    void anItemWhosePutterHasNoContextToCarryRunsAsItIsInPutOrderAmongTheOthers() throws Exception {
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "items", WorkerTarget.of(item -> {
            blockTheFirstRun();
            seen.add(item + " as " + USER.get() + " in " + DEPTH.get());
        }));
        worker.start();
        as("alice", () -> worker.put("a"));
        assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
        as("nobody", () -> worker.put("b"));
        as("nobody", () -> worker.put("c"));
        as("carol", () -> worker.put("d"));
        as("nobody", () -> worker.put("e"));
        release.countDown();
        await().until(() -> seen.size() == 5);
        assertThat(seen).containsExactly("a as alice in 1", "b as null in 0", "c as null in 0", "d as carol in 1",
                "e as null in 0");
    }

    @Test
    void aConditionalDecoratorIsNotAppliedToAPutOnAThreadItSaysHasNothingToCarry() throws Exception {
        java.util.concurrent.atomic.AtomicInteger applied = new java.util.concurrent.atomic.AtomicInteger();
        TaskSupervisor conditional = new TaskSupervisor(SupervisorThreads.uniqueId("conditional"));
        conditional.setTaskDecorator(new ConditionalTaskDecorator() {
            @Override
            public boolean hasContext() {
                return USER.get() != null;
            }

            @Override
            public Runnable apply(Runnable task) {
                applied.incrementAndGet();
                String user = USER.get();
                return () -> {
                    USER.set(user);
                    try {
                        task.run();
                    } finally {
                        USER.remove();
                    }
                };
            }
        });
        conditional.start();
        try {
            QueueWorker<String> worker = new QueueWorker<>(conditional, "items",
                    WorkerTarget.of(item -> seen.add(item + " as " + USER.get())));
            worker.start();
            as("alice", () -> worker.put("a"));
            worker.put("b"); // the test's thread acts for nobody
            await().until(() -> seen.size() == 2);
            assertThat(seen).containsExactly("a as alice", "b as null");
            assertThat(applied).as("applied to alice's put only").hasValue(1);
        } finally {
            conditional.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aBatchWhoseFirstPutterHasNoContextRunsAsItIsWithItsItems() throws Exception {
        QueueWorker<String> worker = QueueWorker.batched(supervisor, "batches", 2, WorkerTarget.of(batch -> {
            blockTheFirstRun();
            seen.add(batch + " as " + USER.get());
        }));
        worker.setPollDelay(Duration.ZERO); // a batch that is not full runs at once
        worker.start();
        as("alice", () -> worker.put("a"));
        assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
        as("nobody", () -> worker.put("b"));
        as("carol", () -> worker.put("c"));
        release.countDown();
        await().until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("[a] as alice", "[b, c] as null");
    }

    @Test
    void aBatchRunsInTheContextOfItsFirstItemsPutter() throws Exception {
        QueueWorker<String> worker = QueueWorker.batched(supervisor, "batches", 2, WorkerTarget.of(batch -> {
            blockTheFirstRun();
            seen.add(batch + " as " + USER.get());
        }));
        worker.setPollDelay(Duration.ZERO); // a batch that is not full runs at once
        worker.start();
        as("alice", () -> worker.put("a"));
        assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
        as("bob", () -> worker.put("b"));
        as("carol", () -> worker.put("c"));
        release.countDown();
        await().until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("[a] as alice", "[b, c] as bob");
    }

    @Test
    void aPriorityQueueOrdersItemsThatCarryTheirContext() throws Exception {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "ordered", WorkerTarget.of(item -> {
            blockTheFirstRun();
            seen.add(item + " as " + USER.get());
        }));
        worker.setComparator(Integer::compare);
        worker.setCapacity(10);
        worker.start();
        as("alice", () -> worker.put(5));
        assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
        as("bob", () -> worker.put(3));
        as("carol", () -> worker.put(1));
        release.countDown();
        await().until(() -> seen.size() == 3);
        assertThat(seen).containsExactly("5 as alice", "1 as carol", "3 as bob");
    }

    @Test
    void aDecoratorThatFailsOnThePuttersThreadFailsThatPutOnly() throws Exception {
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "guarded",
                WorkerTarget.of(item -> seen.add(item + " as " + USER.get())));
        worker.start();
        as("mallory", () -> assertThatThrownBy(() -> worker.put("m")).hasMessageContaining("mallory"));
        assertThat(worker.getQueueSize()).isZero();
        as("alice", () -> worker.put("a"));
        await().until(() -> seen.size() == 1);
        assertThat(seen).containsExactly("a as alice");
        assertThat(worker.stop().undelivered(worker.getName())).isEmpty();
    }

    @Test
    void itemsHandedBackByAStopAreTheItemsPut() throws Exception {
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "handed-back", WorkerTarget.of(item -> {
            blockTheFirstRun();
            seen.add(item);
        }));
        worker.start();
        as("alice", () -> worker.put("a"));
        assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
        as("bob", () -> worker.put("b"));
        // "a", whose run the stop interrupted, was not handled: it goes back first (it was lost before).
        assertThat(List.<Object>copyOf(worker.stop(Duration.ofMillis(100)).undelivered(worker.getName())))
                .containsExactly("a", "b");
    }

    @ParameterizedTest(name = "poll delay {0} ms")
    @ValueSource(longs = {0, 10})
    void anEventRunHasItsTriggersContextAndCoalescedTriggersTheFirstOnes(long pollDelayMillis) throws Exception {
        EventWorker worker = new EventWorker(supervisor, "events", WorkerTarget.of(() -> {
            blockTheFirstRun();
            seen.add("run as " + USER.get());
        }));
        worker.setPollDelay(Duration.ofMillis(pollDelayMillis));
        worker.start();
        as("alice", worker::trigger);
        assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
        as("bob", worker::trigger); // coalesced into one more run
        as("carol", worker::trigger);
        release.countDown();
        await().until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("run as alice", "run as bob");
        await().until(() -> worker.getRuns() == 2);
        as("dave", worker::trigger);
        await().until(() -> seen.size() == 3);
        assertThat(seen).last().isEqualTo("run as dave");
    }

    @Test
    void everyIntervalRunHasTheContextOfTheThreadThatStartedTheWorker() throws Exception {
        IntervalWorker worker = new IntervalWorker(supervisor, "ticks", Duration.ofMillis(20),
                WorkerTarget.of(() -> seen.add("tick as " + USER.get())));
        as("carol", worker::start);
        await().until(() -> seen.size() >= 3);
        as("dave", worker::trigger);
        await().until(() -> seen.size() >= 6);
        worker.stop();
        assertThat(seen).allMatch("tick as carol"::equals);
    }

    @Test
    void aContinuousWorkerRunsInTheContextOfTheThreadThatStartedIt() throws Exception {
        ContinuousWorker worker = new ContinuousWorker(supervisor, "loop", (input, context) -> {
            seen.add("pass as " + USER.get());
            return seen.size() < 3; // false stops the worker
        });
        as("carol", worker::start);
        await().until(worker::isStopped);
        assertThat(seen).containsExactly("pass as carol", "pass as carol", "pass as carol");
    }

    @Test
    void everyRunIsDecoratedOnce() throws Exception {
        List<Integer> depths = new CopyOnWriteArrayList<>();
        QueueWorker<String> queue = new QueueWorker<>(supervisor, "queue", WorkerTarget.of(item -> depths.add(DEPTH.get())));
        EventWorker event = new EventWorker(supervisor, "event", WorkerTarget.of(() -> depths.add(DEPTH.get())));
        IntervalWorker interval = new IntervalWorker(supervisor, "interval", Duration.ofMillis(20),
                WorkerTarget.of(() -> depths.add(DEPTH.get())));
        as("alice", () -> {
            queue.start();
            event.start();
            interval.start();
            queue.put("a");
            queue.put("b");
            event.trigger();
        });
        await().until(() -> depths.size() >= 6);
        interval.stop();
        assertThat(depths).containsOnly(1);
    }

    private void blockTheFirstRun() throws InterruptedException {
        if (inFirstRun.getCount() > 0) {
            inFirstRun.countDown();
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Runs {@code action} on a new thread acting for {@code user}, and waits for it. */
    private static void as(String user, Runnable action) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            USER.set(user);
            try {
                action.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "caller-" + user);
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thread.isAlive()).isFalse();
        if (failure[0] != null) {
            throw new AssertionError("the call as " + user + " failed", failure[0]);
        }
    }
}
