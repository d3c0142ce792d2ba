package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.Scheduler;
import dev.tasksupervisor.worker.WorkerState;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * A supervisor's stop always ends: whatever a hook, a custom scheduler or a second caller does meanwhile.
 * Each stop runs on a daemon thread of its own, so that a stop that hangs fails the test instead of the
 * build. Each of these hung before.
 */
class SupervisorStopRaceTests {

    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("stop-race"));

    @AfterEach
    void forceWhatIsLeft() {
        supervisor.forceStop();
    }

    private static CompletableFuture<StopReport> onDaemon(Supplier<StopReport> stop) {
        CompletableFuture<StopReport> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(stop.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "test-stopper");
        t.setDaemon(true);
        t.start();
        return result;
    }

    @Test
    void aStopCalledFromAHookOnTheThreadDoingTheStopReturnsInsteadOfWaitingForItself() throws Exception {
        supervisor.start();
        AtomicReference<StopReport> fromHook = new AtomicReference<>();
        IntervalWorker worker = new IntervalWorker(supervisor, "quitter", Duration.ofHours(1), WorkerTarget.of(() -> { })) {
            @Override
            protected void afterStop() {
                fromHook.set(supervisor.stop()); // "when this worker stops, stop everything"
            }
        };
        worker.setInitialDelay(Duration.ofHours(1)); // idle: the stopping thread settles it, and runs the hook
        worker.start();
        StopReport report = onDaemon(supervisor::stop).get(10, TimeUnit.SECONDS);
        assertThat(report.isComplete()).isTrue();
        assertThat(fromHook.get().stopped()).as("the stop from the hook returns, under way").isFalse();
        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
    }

    @Test
    void aStopHookThatThrowsIsLoggedAndTheWorkerStopsAllTheSame() throws Exception {
        supervisor.start();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "loop", WorkerTarget.of(() -> Thread.sleep(5))) {
            @Override
            protected void beforeStop() {
                throw new IllegalStateException("a bug in a hook");
            }

            @Override
            protected void afterStop() {
                throw new IllegalStateException("another bug in a hook");
            }
        };
        worker.start();
        onDaemon(supervisor::stop).get(10, TimeUnit.SECONDS);
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
    }

    /** A custom scheduler whose stop throws, as a buggy one would. */
    static final class BrokenScheduler implements Scheduler {
        final AtomicBoolean forced = new AtomicBoolean();

        @Override
        public String getName() {
            return "broken";
        }

        @Override
        public void requestStop() {
            throw new IllegalStateException("a bug in a custom scheduler");
        }

        @Override
        public boolean awaitStop(Duration timeout) {
            return false;
        }

        @Override
        public StopReport forceStop() {
            forced.set(true);
            throw new IllegalStateException("and in its forced stop");
        }
    }

    @Test
    void aCustomSchedulerWhoseStopThrowsKeepsNeitherTheWorkersNorThePoolFromStopping() throws Exception {
        supervisor.start();
        BrokenScheduler broken = new BrokenScheduler();
        supervisor.registerScheduler(broken);
        ContinuousWorker worker = new ContinuousWorker(supervisor, "loop", WorkerTarget.of(() -> Thread.sleep(5)));
        worker.start();
        onDaemon(supervisor::stop).get(10, TimeUnit.SECONDS);
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        assertThat(broken.forced).isTrue();
        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
    }

    @Test
    void forceStopDuringAStopThatWaitsForeverForcesItAndBothReturn() throws Exception {
        supervisor.start();
        ContinuousWorker stuck = new ContinuousWorker(supervisor, "stuck", WorkerTarget.of(() -> new CountDownLatch(1).await()));
        stuck.start();
        await().until(stuck::isRunning);
        CompletableFuture<StopReport> graceful = onDaemon(supervisor::stop); // no timeout: waits for "stuck"
        await().until(() -> supervisor.getState() == SupervisorState.STOPPING);
        StopReport forced = supervisor.forceStop();
        assertThat(forced.forcedWorkers()).contains("stuck");
        StopReport report = graceful.get(10, TimeUnit.SECONDS);
        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
        assertThat(supervisor.getStopReport()).contains(report);
    }

    @Test
    void forceStopOfAnActiveSupervisorInterruptsItsWorkersAndEndsStopped() throws Exception {
        supervisor.start();
        ContinuousWorker stuck = new ContinuousWorker(supervisor, "stuck", WorkerTarget.of(() -> new CountDownLatch(1).await()));
        stuck.start();
        await().until(stuck::isRunning);
        StopReport report = onDaemon(supervisor::forceStop).get(10, TimeUnit.SECONDS);
        assertThat(report.forcedWorkers()).contains("stuck");
        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
        assertThat(stuck.getState()).isEqualTo(WorkerState.STOPPED);
    }
}
