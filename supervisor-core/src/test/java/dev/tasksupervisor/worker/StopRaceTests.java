package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.Gap;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

/**
 * Stops that race a run waiting for a thread or its aloop, a restart, or a failing error handler, listener
 * or decorator, for the kinds without a queue. Each of these failed before the life cycle named the start
 * every step belongs to, and the run machinery contained what user code throws.
 */
class StopRaceTests extends WorkerTestSupport {

    @Test
    void aRunStillWaitingForAPoolThreadWhenAForcedStopEndsNeverRunsTheTarget() throws Exception {
        TaskSupervisor oneThread = new TaskSupervisor(SupervisorThreads.uniqueId("one-thread"));
        oneThread.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(1).build());
        oneThread.start();
        try {
            CountDownLatch blocking = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            oneThread.spawn(() -> {
                blocking.countDown();
                release.await();
                return null;
            });
            assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
            List<WorkerState> seenByRuns = new CopyOnWriteArrayList<>();
            AtomicReference<EventWorker> self = new AtomicReference<>();
            EventWorker worker = new EventWorker(oneThread, "late", WorkerTarget.of(() -> seenByRuns.add(self.get().getState())));
            self.set(worker);
            worker.start();
            worker.trigger();                               // the run waits in the pool's queue
            worker.forceStop();
            assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
            assertThat(worker.isRunning()).isFalse();
            release.countDown();
            oneThread.spawn(() -> { }).get(10, TimeUnit.SECONDS); // one thread, in order: the queued run went first
            assertThat(seenByRuns).as("runs that happened after forceStop() returned").isEmpty();
            worker.start();                                 // and the worker runs again after a new start
            worker.trigger();
            await().until(() -> seenByRuns.contains(WorkerState.ACTIVE));
        } finally {
            oneThread.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aStopThatReachesTheKindLateLeavesTheNextStartsTimerAlone() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch endFirstRun = new CountDownLatch(1);
        Gap toldLate = new Gap();
        IntervalWorker worker = new IntervalWorker(supervisor, "gap", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                inFirstRun.countDown();
                endFirstRun.await();
            }
        })) {
            @Override
            void onStopRequested(int startedIn) {
                toldLate.park(); // the stopping thread, preempted after it left the life-cycle lock
                super.onStopRequested(startedIn);
            }
        };
        worker.setDelay(Duration.ofMillis(50));
        worker.setInitialDelay(Duration.ofMillis(300));
        worker.start();
        assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
        Thread stopper = new Thread(worker::requestStop, "late-stopper");
        stopper.start();
        toldLate.awaitEntered();                            // STOPPING; the kind not told yet
        endFirstRun.countDown();                            // the run ends, and its end settles the stop
        await().until(worker::isStopped);
        worker.start();                                     // a new start, its first tick 300 ms away
        toldLate.leave();                                   // the old stop reaches the kind now
        stopper.join(10_000);
        assertThat(worker.isActive()).isTrue();
        await().alias("runs of the new start").until(runs::get, greaterThanOrEqualTo(3));
        worker.stop();
    }

    @Test
    void anErrorHandlerThatRethrowsErrorsDoesNotLeaveTheWorkerRunningForEver() {
        AtomicInteger runs = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "rethrows", WorkerTarget.of(() -> {
            runs.incrementAndGet();
            throw new AssertionError("a broken invariant in the target");
        }));
        worker.setErrorHandler((w, error) -> {
            if (error instanceof Error fatal) {
                throw fatal; // "never swallow an Error": a common idiom
            }
        });
        worker.start();
        worker.trigger();
        await().until(runs::get, equalTo(1));
        await().until(() -> !worker.isRunning());
        worker.trigger();                                   // the worker goes on
        await().until(runs::get, equalTo(2));
        worker.requestStop();
        await().until(worker::getState, equalTo(WorkerState.STOPPED));
        assertThat(worker.getFailures()).isEqualTo(2);
    }

    @Test
    void aListenerThatThrowsAnErrorDoesNotKeepARunFromEnding() {
        TaskSupervisor listened = new TaskSupervisor(SupervisorThreads.uniqueId("error-listener"));
        listened.addWorkerListener(new WorkerListener() {
            @Override
            public void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
                throw new AssertionError("a listener with a bug");
            }
        });
        listened.start();
        try {
            AtomicInteger runs = new AtomicInteger();
            EventWorker worker = new EventWorker(listened, "listened", WorkerTarget.of(runs::incrementAndGet));
            worker.start();
            worker.trigger();
            await().until(() -> runs.get() == 1 && !worker.isRunning());
            worker.trigger();
            await().until(runs::get, equalTo(2));
            worker.requestStop();
            await().until(worker::getState, equalTo(WorkerState.STOPPED));
        } finally {
            listened.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void anErrorFromTheTaskDecoratorFailsThatRunAndTheWorkerGoesOn() {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        TaskSupervisor decorated = new TaskSupervisor(SupervisorThreads.uniqueId("error-decorator"));
        decorated.setTaskDecorator(task -> () -> {
            if (failOnce.compareAndSet(true, false)) {
                throw new AssertionError("a decorator with a bug");
            }
            task.run();
        });
        decorated.start();
        try {
            AtomicInteger runs = new AtomicInteger();
            EventWorker worker = new EventWorker(decorated, "decorated", WorkerTarget.of(runs::incrementAndGet));
            worker.setErrorHandler((w, e) -> { });
            worker.start();
            worker.trigger();                               // the decorator throws an Error: that run fails
            await().until(() -> worker.getFailures() == 1 && !worker.isRunning());
            worker.triggerNow();
            await().until(runs::get, equalTo(1));
            worker.requestStop();
            await().until(worker::getState, equalTo(WorkerState.STOPPED));
        } finally {
            decorated.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aStopThatReachesAnEventWorkerLateLeavesNoFollowUpOfTheOldStartBehind() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch endFirst = new CountDownLatch(1);
        AtomicBoolean followUpArmed = new AtomicBoolean();
        Gap toldLate = new Gap();
        EventWorker worker = new EventWorker(supervisor, "late-follow-up", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                endFirst.await();
            }
        })) {
            @Override
            public Duration getPollDelay() {
                if (Gap.calledFrom(this, EventWorker.class.getName(), "runEnded")) {
                    followUpArmed.set(true); // the end of run 1 arms the follow-up for the coalesced trigger
                }
                return super.getPollDelay();
            }

            @Override
            void onStopRequested(int startedIn) {
                toldLate.park(() -> Thread.currentThread().getName().equals("late-stopper"));
                super.onStopRequested(startedIn);
            }
        };
        worker.setPollDelay(Duration.ofMillis(400));
        worker.start();
        worker.trigger();                                   // run 1, held
        await().until(worker::isRunning);
        worker.trigger();                                   // coalesced: a follow-up after the poll delay
        endFirst.countDown();
        await().until(followUpArmed::get);
        Thread stopper = new Thread(worker::requestStop, "late-stopper");
        stopper.start();                                    // STOPPING, then parked before it tells the kind
        toldLate.awaitEntered();
        worker.forceStop();                                 // nothing runs: STOPPED at once
        worker.start();                                     // start 2, which nobody triggers
        toldLate.leave();
        stopper.join(10_000);
        // Nothing to wait for: the old follow-up, had it survived, would run within the poll delay.
        await().during(Duration.ofMillis(900)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
        worker.trigger();                                   // and a trigger of start 2 is not swallowed by it
        await().until(runs::get, equalTo(2));
        worker.stop(Duration.ofSeconds(2));
    }

    @Test
    void anAsyncTargetWaitingForItsAloopWhenAForcedStopEndsNeverRuns() throws Exception {
        Aloop loop = supervisor.createAloop("busy-loop", true, true, true);
        CountDownLatch inBlocker = new CountDownLatch(1);
        CountDownLatch endBlocker = new CountDownLatch(1);
        loop.executor().execute(() -> {                     // the aloop is busy: the target waits its turn
            inBlocker.countDown();
            try {
                endBlocker.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(inBlocker.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger reached = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "async-late", WorkerTarget.async((Void v, WorkerContext c) -> {
            reached.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }));
        worker.start();
        worker.trigger();                                   // the target is queued on the busy aloop
        worker.forceStop();
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        endBlocker.countDown();
        await().until(() -> !worker.isRunning());
        assertThat(reached).as("the target ran after its forced stop had returned").hasValue(0);
    }

    @Test
    void aRunDecidedInAnEarlierStartNeverRunsInTheNextOne() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Gap beforeDispatch = new Gap();
        IntervalWorker worker = new IntervalWorker(supervisor, "stale-tick", Duration.ofHours(1),
                WorkerTarget.of(runs::incrementAndGet)) {
            @Override
            public RunGuard getRunGuard() {
                beforeDispatch.park(() -> Gap.calledFrom(this, WorkerRuns.class.getName(), "dispatch"));
                return super.getRunGuard();
            }
        };
        worker.setInitialDelay(Duration.ofMillis(50));
        worker.start();                                     // the first tick fires on the timer loop
        beforeDispatch.awaitEntered();                      // start 1 decided its run, not handed to the pool yet
        worker.forceStop();                                 // nothing in progress: STOPPED at once
        worker.setInitialDelay(Duration.ofHours(1));
        worker.start();                                     // start 2: its first run an hour away
        beforeDispatch.leave();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 0);
        worker.stop();
    }
}
