package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

class GuardedRunTests extends WorkerTestSupport {

    /** A lock held by one run at a time, as a store-backed lock would be; refuses while held. */
    private static final class TestLock implements RunGuard {

        final AtomicBoolean held = new AtomicBoolean();
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();
        final List<String> askingThreads = new CopyOnWriteArrayList<>();
        final List<String> releasingThreads = new CopyOnWriteArrayList<>();
        volatile boolean refuseAll;

        @Override
        public Optional<Permit> tryAcquire(BackgroundWorker worker) {
            asked.incrementAndGet();
            askingThreads.add(Thread.currentThread().getName());
            if (refuseAll || !held.compareAndSet(false, true)) {
                return Optional.empty();
            }
            return Optional.of(() -> {
                releasingThreads.add(Thread.currentThread().getName());
                released.incrementAndGet();
                held.set(false);
            });
        }

        @Override
        public String describe() {
            return "test lock";
        }
    }

    @Test
    void aRunReleasesItsPermitBeforeTheNextRunAsksSoOneWorkerNeverSkipsItself() {
        TestLock lock = new TestLock();
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean heldDuringRun = new AtomicBoolean(true);
        EventWorker worker = new EventWorker(supervisor, "events", WorkerTarget.of(() -> {
            heldDuringRun.compareAndSet(true, lock.held.get());
            runs.incrementAndGet();
        }));
        worker.setPollDelay(Duration.ZERO);
        worker.setRunGuard(lock);
        worker.start();
        for (int i = 0; i < 20; i++) {
            worker.trigger();
            int before = i;
            await().until(() -> worker.getRuns() > before);
        }
        assertThat(worker.getSkips()).isZero();
        assertThat(heldDuringRun).isTrue();
        await().until(() -> lock.released.get() == runs.get());
        assertThat(lock.held).isFalse();
    }

    @Test
    void aRefusedRunIsASkipNotARunNorAFailureAndTheListenersHearOfIt() {
        TestLock lock = new TestLock();
        lock.refuseAll = true;
        AtomicInteger skipsHeard = new AtomicInteger();
        AtomicInteger runsHeard = new AtomicInteger();
        supervisor.addWorkerListener(new WorkerListener() {
            @Override
            public void runSkipped(BackgroundWorker worker, long durationNanos) {
                assertThat(durationNanos).isNotNegative();
                skipsHeard.incrementAndGet();
            }

            @Override
            public void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
                runsHeard.incrementAndGet();
            }
        });
        AtomicInteger targetRuns = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "refused", WorkerTarget.of(targetRuns::incrementAndGet));
        worker.setRunGuard(lock);
        worker.start();
        worker.trigger();
        await().until(() -> worker.getSkips() == 1);
        await().until(() -> skipsHeard.get() == 1);

        lock.refuseAll = false;
        worker.trigger();
        await().until(() -> worker.getRuns() == 1);

        assertThat(targetRuns).hasValue(1);
        assertThat(worker.getSkips()).isEqualTo(1);
        assertThat(worker.getFailures()).isZero();
        await().until(() -> runsHeard.get() == 1);
        WorkerInfo info = worker.info();
        assertThat(info.skipped()).isEqualTo(1);
        assertThat(info.runs()).isEqualTo(1);
        assertThat(info.guard()).isEqualTo("test lock");
    }

    @Test
    void skippedTicksKeepTheIntervalSchedule() {
        TestLock lock = new TestLock();
        lock.refuseAll = true;
        AtomicInteger targetRuns = new AtomicInteger();
        IntervalWorker worker = new IntervalWorker(supervisor, "ticks", Duration.ofMillis(50),
                WorkerTarget.of(targetRuns::incrementAndGet));
        worker.setRunGuard(lock);
        long started = System.nanoTime();
        worker.start();
        await().until(() -> worker.getSkips() >= 6);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        worker.stop();
        long skips = worker.getSkips();
        // One skip per tick: never more ticks than the schedule has (first tick at once), nor a stalled schedule.
        assertThat(skips).isLessThanOrEqualTo(elapsedMillis / 50 + 2);
        assertThat(targetRuns).hasValue(0);
        assertThat(worker.getRuns()).isZero();

        lock.refuseAll = false;
        worker.start();
        await().until(() -> targetRuns.get() >= 2);
    }

    @Test
    void aGuardThatThrowsFailsTheRunForTheErrorHandlerAndTheWorkerGoesOn() {
        AtomicBoolean storeDown = new AtomicBoolean(true);
        RunGuard guard = new RunGuard() {
            @Override
            public Optional<Permit> tryAcquire(BackgroundWorker worker) {
                if (storeDown.get()) {
                    throw new IllegalStateException("connection refused");
                }
                return Optional.of(() -> { });
            }

            @Override
            public String describe() {
                return "lock 'report'";
            }
        };
        List<Throwable> handled = new CopyOnWriteArrayList<>();
        AtomicInteger targetRuns = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "report", WorkerTarget.of(targetRuns::incrementAndGet));
        worker.setErrorHandler((w, error) -> handled.add(error));
        worker.setRunGuard(guard);
        worker.start();
        worker.trigger();
        await().until(() -> handled.size() == 1);

        assertThat(handled.get(0)).isInstanceOf(RunGuardException.class)
                .hasMessageContaining("worker 'report'").hasMessageContaining("lock 'report'")
                .hasMessageContaining("connection refused")
                .hasCauseInstanceOf(IllegalStateException.class);
        await().until(() -> worker.getFailures() == 1);
        assertThat(worker.getRuns()).isEqualTo(1);
        assertThat(worker.getSkips()).isZero();
        assertThat(targetRuns).hasValue(0);
        assertThat(worker.isActive()).isTrue();

        storeDown.set(false);
        worker.trigger();
        await().until(() -> targetRuns.get() == 1);
    }

    @Test
    void aFailingRunStillReleasesItsPermit() {
        TestLock lock = new TestLock();
        IntervalWorker worker = new IntervalWorker(supervisor, "failing", Duration.ofMillis(20), WorkerTarget.of(() -> {
            throw new IllegalStateException("boom");
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRunGuard(lock);
        worker.start();
        await().until(() -> worker.getFailures() >= 3);
        worker.stop();
        assertThat(lock.released.get()).isEqualTo(worker.getRuns());
        assertThat(lock.held).isFalse();
        assertThat(worker.getSkips()).isZero();
    }

    @Test
    void anAsyncRunAsksAndReleasesOnPoolThreadsAndHoldsThePermitUntilItsStageCompletes() {
        Aloop loop = supervisor.createAloop("io", true, true, true);
        TestLock lock = new TestLock();
        AtomicReference<CompletableFuture<Void>> stage = new AtomicReference<>();
        AtomicLong runsStarted = new AtomicLong();
        EventWorker worker = new EventWorker(supervisor, "async", WorkerTarget.async((none, ctx) -> {
            runsStarted.incrementAndGet();
            CompletableFuture<Void> pending = new CompletableFuture<>();
            stage.set(pending);
            return pending;
        }));
        worker.setRunGuard(lock);
        worker.start();
        worker.trigger();
        await().until(() -> stage.get() != null);

        assertThat(lock.held).isTrue();
        assertThat(lock.released).hasValue(0);
        stage.get().complete(null);
        await().until(() -> lock.released.get() == 1);
        await().until(() -> worker.getRuns() == 1);

        String loopThread = loop.getThreadName();
        assertThat(lock.askingThreads).singleElement().isNotEqualTo(loopThread);
        assertThat(lock.releasingThreads).singleElement().isNotEqualTo(loopThread);
        assertThat(lock.askingThreads.get(0)).startsWith(supervisorThreadPrefix());
        assertThat(lock.releasingThreads.get(0)).startsWith(supervisorThreadPrefix());
    }

    /**
     * A guard whose first ask blocks until {@link #answer} and ignores interruption, as a JDBC call to a hung
     * database can; it then grants the run. Later asks grant at once.
     */
    private static final class HungGuard implements RunGuard {

        final CountDownLatch asking = new CountDownLatch(1);
        final CountDownLatch answer = new CountDownLatch(1);
        final AtomicBoolean interrupted = new AtomicBoolean();
        final AtomicInteger released = new AtomicInteger();
        final AtomicBoolean interruptedAtRelease = new AtomicBoolean();
        private final AtomicBoolean first = new AtomicBoolean(true);

        @Override
        public Optional<Permit> tryAcquire(BackgroundWorker worker) {
            if (first.compareAndSet(true, false)) {
                asking.countDown();
                while (true) {
                    try {
                        answer.await();
                        break;
                    } catch (InterruptedException e) {
                        interrupted.set(true); // and goes on waiting, as a blocked socket read would
                    }
                }
                if (interrupted.get()) {
                    Thread.currentThread().interrupt();
                }
            }
            return Optional.of(() -> {
                interruptedAtRelease.compareAndSet(false, Thread.currentThread().isInterrupted());
                released.incrementAndGet();
            });
        }

        void awaitAsking() throws InterruptedException {
            assertThat(asking.await(10, TimeUnit.SECONDS)).as("the guard was asked").isTrue();
        }
    }

    @Test
    void aForcedStopInterruptsAGuardStillBeingAskedAndTheTargetNeverRunsAfterTheStop() throws Exception {
        HungGuard guard = new HungGuard();
        AtomicInteger targetRuns = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "hung-ask", WorkerTarget.of(targetRuns::incrementAndGet));
        worker.setRunGuard(guard);
        worker.start();
        worker.trigger();
        guard.awaitAsking();

        worker.stop(Duration.ofMillis(100));

        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        await().untilTrue(guard.interrupted);
        // The ask ignores the interruption: it is still a run in progress, and the worker cannot start over it.
        assertThat(worker.isRunning()).isTrue();
        assertThatIllegalStateException().isThrownBy(worker::start)
                .withMessageContaining("worker 'hung-ask' is still finishing a run");

        guard.answer.countDown();
        await().until(() -> guard.released.get() == 1 && !worker.isRunning());
        assertThat(targetRuns).as("the target ran after its worker was stopped").hasValue(0);
        assertThat(guard.interruptedAtRelease).as("released with the stop's interrupt still set").isFalse();
        assertThat(worker.getSkips()).isZero();
        assertThat(worker.getFailures()).isZero();

        worker.start();
        worker.trigger();
        await().until(() -> targetRuns.get() == 1);
        await().until(() -> guard.released.get() == 2);
    }

    @Test
    void aSupervisorStopReportsAWorkerWhoseGuardIgnoresTheInterruptionAsStuck() throws Exception {
        TaskSupervisor other = new TaskSupervisor(id + "-stuck");
        other.setPoolSettings(PoolSettings.builder().maxSize(4).build());
        other.start();
        HungGuard guard = new HungGuard();
        AtomicInteger targetRuns = new AtomicInteger();
        EventWorker worker = new EventWorker(other, "stuck-ask", WorkerTarget.of(targetRuns::incrementAndGet));
        worker.setRunGuard(guard);
        worker.start();
        worker.trigger();
        try {
            guard.awaitAsking();

            StopReport report = other.stop(Duration.ofMillis(300));

            assertThat(report.forcedWorkers()).containsExactly("stuck-ask");
            assertThat(report.stuckWorkers()).containsExactly("stuck-ask");
            assertThat(guard.interrupted).isTrue();
        } finally {
            guard.answer.countDown();
        }
        await().until(() -> guard.released.get() == 1 && !worker.isRunning());
        assertThat(targetRuns).hasValue(0);
    }

    @Test
    void aGracefulStopWaitsForAGuardBeingAskedAndRunsTheTargetItAllowsBeforeReturning() throws Exception {
        HungGuard guard = new HungGuard();
        AtomicInteger targetRuns = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "slow-ask", WorkerTarget.of(targetRuns::incrementAndGet));
        worker.setRunGuard(guard);
        worker.start();
        worker.trigger();
        guard.awaitAsking();

        CompletableFuture<Integer> runsWhenStopReturned = CompletableFuture.supplyAsync(() -> {
            worker.stop(Duration.ofSeconds(30));
            return targetRuns.get();
        });
        await().until(() -> worker.getState() == WorkerState.STOPPING);
        assertThat(runsWhenStopReturned).isNotDone();
        guard.answer.countDown();

        // The permit was granted while the stop waited: the run is part of that wait, not given up.
        assertThat(runsWhenStopReturned.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        assertThat(guard.interrupted).isFalse();
        assertThat(guard.released).hasValue(1);
    }

    @Test
    void aForcedSupervisorStopStillReleasesAnAsyncRunsPermitWhoseReleaseWasQueued() throws Exception {
        TaskSupervisor other = new TaskSupervisor(id + "-queued-release");
        other.setPoolSettings(PoolSettings.builder().maxSize(1).build());
        other.start();
        other.createAloop("io", true, true, true);
        TestLock lock = new TestLock();
        CompletableFuture<Void> stillWorking = new CompletableFuture<>();
        EventWorker worker = new EventWorker(other, "async-held", WorkerTarget.async((none, ctx) -> stillWorking));
        worker.setRunGuard(lock);
        worker.start();
        worker.trigger();
        await().until(() -> worker.isRunning() && lock.held.get());
        // The pool's only thread is taken by a task that ignores interruption, so the release queues behind it.
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        other.spawn(() -> {
            blocking.countDown();
            while (true) {
                try {
                    unblock.await();
                    return;
                } catch (InterruptedException ignored) {
                    // a task that ignores interruption
                }
            }
        });
        try {
            assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();

            StopReport report = other.stop(Duration.ofMillis(300));

            assertThat(report.forcedWorkers()).containsExactly("async-held");
            // Released by the stop itself when it dropped the queued release, not left until the lock expires.
            assertThat(lock.released).hasValue(1);
            assertThat(lock.held).isFalse();
            assertThat(lock.releasingThreads).containsExactly(Thread.currentThread().getName());
        } finally {
            unblock.countDown();
            stillWorking.complete(null);
        }
        await().until(() -> other.getStopReport().isPresent() && !worker.isRunning());
        assertThat(lock.released).hasValue(1);
    }

    @Test
    void onlyIntervalAndEventWorkersTakeAGuard() {
        TestLock lock = new TestLock();
        QueueWorker<String> queue = new QueueWorker<>(supervisor, "queue", WorkerTarget.of((String item) -> { }));
        ContinuousWorker plain = new ContinuousWorker(supervisor, "plain", WorkerTarget.of(() -> { }));
        assertThatIllegalArgumentException().isThrownBy(() -> queue.setRunGuard(lock))
                .withMessageContaining("worker 'queue' is a QUEUE worker")
                .withMessageContaining("interval and event workers only");
        assertThatIllegalArgumentException().isThrownBy(() -> plain.setRunGuard(lock))
                .withMessageContaining("worker 'plain' is a PLAIN worker");
        queue.setRunGuard(null);
        assertThat(queue.getRunGuard()).isNull();
        assertThat(queue.info().guard()).isNull();
        assertThat(queue.info().skipped()).isZero();
    }

    /** Pool threads, not the aloop nor the timer loop: both of those must never wait for a lock. */
    private String supervisorThreadPrefix() {
        return "supervisor_" + id + "_pool_";
    }
}
