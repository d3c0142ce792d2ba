package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.testsupport.Gap;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

/**
 * A queue worker's promise, every accepted item handled or handed back, where a stop races the drain, a
 * put or a restart. Where the race window is a few instructions wide, a {@link Gap} parks one thread exactly
 * where a preemption would. Each of these failed before the drain protocol was fixed for it.
 */
class QueueStopRaceTests extends WorkerTestSupport {

    // ------------------------------------------------------------ a put just before a stop, the drain going idle

    private static void acceptedItemSurvivesAStopThatLandsWhileTheDrainGoesIdle(QueueWorker<String> worker, Gap gap,
            List<String> handled) throws Exception {
        List<String> handedBack = new CopyOnWriteArrayList<>();
        worker.setUndeliveredHandler(handedBack::addAll);
        worker.start();
        worker.put("a");              // the drain runs "a", polls an empty queue, and is parked on its way to idle
        gap.awaitEntered();
        worker.put("b");              // accepted: the worker is ACTIVE, and the drain owns the queue
        worker.requestStop();         // STOPPING: nothing to dispatch, the drain holds the queue
        gap.leave();                  // the drain now finds the worker STOPPING
        assertThat(worker.awaitStop(Duration.ofSeconds(10))).isTrue();
        List<String> accounted = new ArrayList<>(handled);
        accounted.addAll(handedBack);
        assertThat(accounted).as("every accepted item is handled or handed back").containsExactlyInAnyOrder("a", "b");
    }

    /** A queue worker whose drain parks in the gap when it reads the state on its way to idle. */
    private static <T> QueueWorker<T> parkingAtIdle(TaskSupervisor supervisor, String name, Gap gap, WorkerTarget<T> target) {
        return new QueueWorker<>(supervisor, name, target) {
            @Override
            public WorkerState getState() {
                gap.park(() -> Gap.calledFrom(this, QueueDrain.class.getName(), "idle"));
                return super.getState();
            }
        };
    }

    @Test
    void anItemPutJustBeforeAStopIsHandledThoughTheDrainWasGoingIdle() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        Gap gap = new Gap();
        acceptedItemSurvivesAStopThatLandsWhileTheDrainGoesIdle(
                parkingAtIdle(supervisor, "idle-race", gap, WorkerTarget.of(handled::add)), gap, handled);
    }

    @Test
    void aBatchedWorkerHandlesAnItemPutJustBeforeAStopThoughTheDrainWasGoingIdle() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        Gap gap = new Gap();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "idle-race-batch", false, 4) {
            @Override
            protected Object runBatch(List<String> items, WorkerContext context) {
                handled.addAll(items);
                return null;
            }

            @Override
            public WorkerState getState() {
                gap.park(() -> Gap.calledFrom(this, QueueDrain.class.getName(), "idle"));
                return super.getState();
            }
        };
        worker.setPollDelay(Duration.ZERO);
        acceptedItemSurvivesAStopThatLandsWhileTheDrainGoesIdle(worker, gap, handled);
    }

    @Test
    void itemsCarryingTheirPuttersContextSurviveTheSameRace() throws Exception {
        TaskSupervisor decorated = new TaskSupervisor(SupervisorThreads.uniqueId("idle-race-ctx"));
        decorated.setTaskDecorator(task -> task); // items are queued with their putter's context
        decorated.start();
        try {
            List<String> handled = new CopyOnWriteArrayList<>();
            Gap gap = new Gap();
            acceptedItemSurvivesAStopThatLandsWhileTheDrainGoesIdle(
                    parkingAtIdle(decorated, "idle-race-ctx", gap, WorkerTarget.of(handled::add)), gap, handled);
        } finally {
            decorated.stop(Duration.ofSeconds(5));
        }
    }

    // ------------------------------------------------------------ a drain refused as a stop begins

    /** A pool that refuses one execute when asked to, as a JVM out of threads does. */
    static final class RefuseOnDemand extends ThreadPoolExecutor {
        volatile Thread refuseFor;

        RefuseOnDemand() {
            super(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        public void execute(Runnable command) {
            if (Thread.currentThread() == refuseFor) {
                refuseFor = null;
                throw new OutOfMemoryError("unable to create native thread");
            }
            super.execute(command);
        }
    }

    @Test
    void aStopWhoseDrainThePoolRefusesOnceStillEnds() {
        RefuseOnDemand pool = new RefuseOnDemand();
        TaskSupervisor refusing = new TaskSupervisor(SupervisorThreads.uniqueId("refuse-on-stop"));
        refusing.setExecutor(pool);
        refusing.start();
        try {
            QueueWorker<Integer> worker = new QueueWorker<>(refusing, "refused", WorkerTarget.of((Integer i) -> { }));
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            worker.setErrorHandler((w, e) -> failures.add(e));
            worker.start();
            worker.put(1);
            await().until(() -> worker.getRuns() == 1 && pool.getActiveCount() == 0); // the queue exists, its drain idle
            pool.refuseFor = Thread.currentThread();
            worker.requestStop();                        // the drain that would settle the stop is refused
            await().atMost(Duration.ofSeconds(5)).until(worker::getState, equalTo(WorkerState.STOPPED));
            assertThat(failures).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("refused"));
        } finally {
            refusing.stop(Duration.ofSeconds(2));
        }
    }

    // ------------------------------------------------------------ an item taken as a forced stop begins

    @Test
    void anItemTakenAsAForcedStopBeganIsHandedBackAndNeverRunsBesideTheNextStart() throws Exception {
        ThreadLocal<Boolean> slowDecoration = ThreadLocal.withInitial(() -> false);
        Gap decorating = new Gap();
        TaskSupervisor decorated = new TaskSupervisor(SupervisorThreads.uniqueId("slow-decorator"));
        decorated.setTaskDecorator(task -> {
            boolean slow = slowDecoration.get();
            return () -> {
                if (slow) { // a decorator that takes its time to set up, on the drain's thread: the target not begun
                    decorating.park();
                }
                task.run();
            };
        });
        decorated.start();
        try {
            AtomicInteger inTarget = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<String> handled = new CopyOnWriteArrayList<>();
            QueueWorker<String> worker = new QueueWorker<>(decorated, "taken", WorkerTarget.of((String item) -> {
                most.accumulateAndGet(inTarget.incrementAndGet(), Math::max);
                handled.add(item);
                inTarget.decrementAndGet();
            }));
            List<String> handedBack = new CopyOnWriteArrayList<>();
            worker.setUndeliveredHandler(handedBack::addAll);
            worker.start();
            slowDecoration.set(true);
            worker.put("x");
            slowDecoration.set(false);
            decorating.awaitEntered();                      // "x" taken from the queue, its run not begun
            worker.forceStop();
            assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
            worker.start();                                 // allowed: the target is not running
            worker.put("y");
            await().until(() -> handled.contains("y"));
            decorating.leave();                             // the old drain goes on with "x"
            await().until(() -> handedBack.contains("x")); // to the handler: its stop's report was made long before
            assertThat(handled).as("x never reached the target").containsExactly("y");
            assertThat(most).as("runs of the target at once").hasValue(1);
        } finally {
            decorating.leave();
            decorated.stop(Duration.ofSeconds(5));
        }
    }

    // ------------------------------------------------------------ a start that would overtake a forced stop

    @Test
    void aStartCannotOvertakeAForcedStopThatIsStillUnderWay() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        CountDownLatch inA = new CountDownLatch(1);
        CountDownLatch endA = new CountDownLatch(1);
        Gap forcing = new Gap();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "reforced", WorkerTarget.of((String item) -> {
            if (item.equals("a")) {
                inA.countDown();
                endA.await();
            }
            handled.add(item);
        })) {
            @Override
            void onForcing(int startedIn) {
                forcing.park(); // the forcing thread, preempted after the forced stop began
                super.onForcing(startedIn);
            }
        };
        worker.start();
        worker.put("a");
        assertThat(inA.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> forcer = CompletableFuture.runAsync(worker::forceStop);
        forcing.awaitEntered();
        endA.countDown();                                   // "a" ends; the queue is empty
        await().until(() -> handled.contains("a") && !worker.isRunning());
        // Before, the drain settled the stop here, a start went through, and the forced stop, going on, closed
        // the new start's queue: a put into it was accepted and never handled.
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("STOPPING");
        forcing.leave();
        forcer.get(10, TimeUnit.SECONDS);
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        worker.start();
        worker.put("b");
        await().until(() -> handled.contains("b"));
        worker.stop();
    }

    // ------------------------------------------------------------ a refused put and an equal accepted item

    /** Equal by id only, as entities often are. */
    record Job(int id, String payload) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Job job && job.id == id;
        }

        @Override
        public int hashCode() {
            return id;
        }
    }

    @Test
    void aPutRefusedByARacingStopTakesBackItsOwnItemNotAnEqualAcceptedOne() throws Exception {
        List<Job> handled = new CopyOnWriteArrayList<>();
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch endFirst = new CountDownLatch(1);
        Gap afterAdd = new Gap();
        AtomicReference<Thread> racingPutter = new AtomicReference<>();
        QueueWorker<Job> worker = new QueueWorker<>(supervisor, "equal", WorkerTarget.of((Job job) -> {
            if (job.payload().equals("first")) {
                inFirst.countDown();
                endFirst.await();
            }
            handled.add(job);
        })) {
            @Override
            public boolean isActive() {
                afterAdd.park(() -> Thread.currentThread() == racingPutter.get()); // the putter, after its add
                return super.isActive();
            }
        };
        worker.start();
        worker.put(new Job(1, "first"));
        assertThat(inFirst.await(10, TimeUnit.SECONDS)).isTrue();
        Job accepted = new Job(7, "accepted");
        worker.put(accepted);
        AtomicReference<Throwable> refusal = new AtomicReference<>();
        Thread putter = new Thread(() -> {
            try {
                worker.put(new Job(7, "refused"));
            } catch (Throwable e) {
                refusal.set(e);
            }
        }, "racing-putter");
        racingPutter.set(putter);
        putter.start();
        afterAdd.awaitEntered();
        worker.requestStop();
        afterAdd.leave();
        putter.join(10_000);
        assertThat(refusal.get()).isInstanceOf(IllegalStateException.class);
        endFirst.countDown();
        assertThat(worker.awaitStop(Duration.ofSeconds(10))).isTrue();
        assertThat(handled).extracting(Job::payload).containsExactly("first", "accepted");
    }

    @Test
    void aRefusedPutOfAnObjectAlreadyQueuedTakesBackOneOccurrenceOnly() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch endFirst = new CountDownLatch(1);
        Gap afterAdd = new Gap();
        AtomicReference<Thread> racingPutter = new AtomicReference<>();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "same-object", WorkerTarget.of((String s) -> {
            if (s.equals("first")) {
                inFirst.countDown();
                endFirst.await();
            }
            handled.add(s);
        })) {
            @Override
            public boolean isActive() {
                afterAdd.park(() -> Thread.currentThread() == racingPutter.get());
                return super.isActive();
            }
        };
        worker.start();
        worker.put("first");
        assertThat(inFirst.await(10, TimeUnit.SECONDS)).isTrue();
        String command = "refresh";                         // one object put again and again, as constants are
        worker.put(command);                                // accepted
        Thread putter = new Thread(() -> assertThatThrownBy(() -> worker.put(command))
                .isInstanceOf(IllegalStateException.class), "racing-putter");
        racingPutter.set(putter);
        putter.start();
        afterAdd.awaitEntered();
        worker.requestStop();
        afterAdd.leave();
        putter.join(10_000);
        endFirst.countDown();
        assertThat(worker.awaitStop(Duration.ofSeconds(10))).isTrue();
        assertThat(handled).as("the accepted occurrence is handled").containsExactly("first", "refresh");
    }

    // ------------------------------------------------------------ a drain that sees a forced stop begin

    @Test
    void aDrainThatSeesAForcedStopBeginHandsTheQueueBackItselfRatherThanLeaveTheStopWaiting() throws Exception {
        CountDownLatch inA = new CountDownLatch(1);
        CountDownLatch endA = new CountDownLatch(1);
        Gap forcing = new Gap();
        AtomicReference<Thread> handedBackOn = new AtomicReference<>();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "leaves", WorkerTarget.of((String item) -> {
            if (item.equals("a")) {
                inA.countDown();
                endA.await();
            }
        })) {
            @Override
            void onForcing(int startedIn) {
                forcing.park(); // the forced stop has begun; the queue is not closed yet
                super.onForcing(startedIn);
            }
        };
        List<String> handedBack = new CopyOnWriteArrayList<>();
        worker.setUndeliveredHandler(items -> {
            handedBack.addAll(items);
            handedBackOn.set(Thread.currentThread());
        });
        worker.start();
        worker.put("a");
        worker.put("b");
        assertThat(inA.await(10, TimeUnit.SECONDS)).isTrue();
        Thread forcer = new Thread(worker::forceStop, "forcer");
        forcer.start();
        forcing.awaitEntered();
        endA.countDown();                                   // "a" ends normally; the drain sees the stop begun
        // Before, the drain left holding the queue, and the forcing thread waited its grace to take "b" itself.
        await().until(() -> handedBackOn.get() != null);
        assertThat(handedBackOn.get()).isNotSameAs(forcer);
        forcing.leave();
        forcer.join(10_000);
        assertThat(handedBack).containsExactly("b");
    }

    // ------------------------------------------------------------ an async target that cancels its own stage

    @Test
    void anAsyncTargetsOwnCancelledStageIsItsFailureAndAGracefulStopStillDrainsTheRest() throws Exception {
        supervisor.createAloop("drain-loop", true, true, true);
        CompletableFuture<Void> first = new CompletableFuture<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "async-drain", WorkerTarget.async((String item, WorkerContext c) -> {
            if (item.equals("a")) {
                return first.thenRun(() -> handled.add(item));
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (item.equals("c")) {
                done.cancel(false); // this item's own work was cancelled, by the target's own logic
            } else {
                handled.add(item);
                done.complete(null);
            }
            return done;
        }));
        worker.setErrorHandler((w, e) -> { });
        List<String> handedBack = new CopyOnWriteArrayList<>();
        worker.setUndeliveredHandler(handedBack::addAll);
        worker.start();
        for (String item : List.of("a", "b", "c", "d")) {
            worker.put(item);
        }
        worker.requestStop();                               // graceful: the queue drains
        first.complete(null);
        assertThat(worker.awaitStop(Duration.ofSeconds(10))).isTrue();
        assertThat(handedBack).as("handed back by a graceful stop").isEmpty();
        assertThat(worker.getFailures()).as("c failed by itself").isEqualTo(1);
        assertThat(handled).containsExactly("a", "b", "d");
    }
}
