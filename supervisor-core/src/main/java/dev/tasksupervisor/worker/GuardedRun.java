package dev.tasksupervisor.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an interval or event worker behind its {@link RunGuard}, on a pool thread: ask, then run and
 * release, or skip, or fail. In every case {@code ended} is called once, after the permit is released, so
 * the next run (which asks again) never finds this run's permit still held by this process.
 *
 * <p>Asking is part of the run: from before the ask until the target has run (or the run was given up)
 * the run is in progress ({@link BackgroundWorker#isRunning()}) and this thread is its runner. So a forced
 * stop interrupts a guard that blocks, the supervisor's stop report names the worker if the guard ignores
 * that, and a start refuses to begin until the ask has ended.
 *
 * <p>A permit granted after the start that dispatched the run has ended (a forced stop, or a stop and a new
 * start) is released at once and the target does not run: the stop has returned, so the run must not
 * happen after it. That run is neither a run nor a skip, only logged: nothing ran, and the guard did not
 * refuse. A graceful stop, by contrast, waits for the run in progress, asking included, so a permit
 * granted while it waits still runs the target (as an unguarded run already handed to the pool does):
 * giving it up would leave a lock with a minimum hold time taken, and every instance would miss the run.
 *
 * <p>An async run keeps its permit until its stage completes (or a forced stop gives it up) and releases
 * it on the pool, since a release may block and an aloop must not; should a forced supervisor stop drop
 * that pool task, the stopping thread releases instead, so the lock never waits for its expiry.
 */
final class GuardedRun {

    private static final Logger log = LoggerFactory.getLogger(GuardedRun.class);

    private final BackgroundWorker worker;
    private final RunGuard guard;
    /** The start that dispatched the run: {@link WorkerLifecycle#generation()}. */
    private final int startedIn;
    private final Object input;
    private final ContextRun captured;
    private final Runnable ended;
    /** When the run may begin, asking included (0: at once); see {@link WorkerRuns#awaitTime}. */
    private final long notBefore;

    GuardedRun(BackgroundWorker worker, RunGuard guard, int startedIn, Object input, ContextRun captured,
            Runnable ended, long notBefore) {
        this.worker = worker;
        this.guard = guard;
        this.startedIn = startedIn;
        this.input = input;
        this.captured = captured;
        this.ended = ended;
        this.notBefore = notBefore;
    }

    /** The pool task: asks and runs, then ends the run once the ask no longer counts as in progress. */
    void run() {
        Runnable then = ended; // also if anything escapes: a kind left "running" would never run again
        try {
            if (worker.runs().beginSeries(startedIn)) { // else stopped by force before it began: nothing runs
                try {
                    then = askAndRun();
                } finally {
                    worker.runs().endSeries();
                }
            }
        } finally {
            // After the count dropped: ending the run may finish a stop, whose waiter may start the worker again.
            then.run();
        }
    }

    /** Returns what to do once the ask no longer counts as a run in progress. */
    private Runnable askAndRun() {
        if (!worker.runs().awaitTime(notBefore)) {
            return ended; // a forced stop interrupted the wait: nothing is asked, nothing runs
        }
        long asked = System.nanoTime();
        RunGuard.Permit permit;
        try {
            permit = guard.tryAcquire(worker).orElse(null);
        } catch (Throwable error) {
            worker.runs().failedBeforeTarget(asked, new RunGuardException("worker '" + worker.getName() + "' did not run: "
                    + "its run guard (" + describe(guard) + ") failed: " + error, error));
            return ended;
        }
        if (permit == null) {
            worker.runs().skipped(asked, guard);
            return ended;
        }
        if (worker.startEnded(startedIn)) {
            log.info("Worker '{}': its run guard ({}) granted a run after the worker was stopped by force; the "
                    + "permit is released and the target does not run", worker.getName(), describe(guard));
            release(permit);
            return ended;
        }
        if (worker.isAsync()) {
            // runAsync counts the run itself until its stage completes, so the count never drops to 0 in between.
            CompletableFuture<WorkerRuns.Outcome> stage = worker.runs().runAsync(input, startedIn, null);
            return () -> stage.whenComplete((outcome, error) -> releaseAfterAsync(permit));
        }
        try {
            if (captured != null) {
                captured.runInContext(input, startedIn, 0);
            } else {
                worker.runs().runSync(input, startedIn, 0);
            }
        } finally {
            release(permit);
        }
        return ended;
    }

    /** Releases on the pool, exactly once: by the pool task, or by whoever drops it (a forced supervisor stop). */
    private void releaseAfterAsync(RunGuard.Permit permit) {
        AtomicBoolean claimed = new AtomicBoolean();
        Runnable releaseAndEnd = () -> {
            if (claimed.compareAndSet(false, true)) {
                release(permit);
                ended.run();
            }
        };
        try {
            worker.handle().execute(releaseAndEnd, false).whenComplete((none, error) -> {
                if (error != null) {
                    releaseAndEnd.run(); // dropped before it ran; a no-op if it ran and then failed
                }
            });
        } catch (RejectedExecutionException | IllegalStateException e) {
            // The pool is shutting down or refused it: release here rather than leave the lock held until it expires.
            releaseAndEnd.run();
        }
    }

    /**
     * Releases {@code permit}, with the thread's interrupt status cleared meanwhile: that interrupt was meant
     * for the run (a forced stop), and left set it could fail the release (a JDBC call), leaving the lock
     * taken until it expires. The status is restored afterwards.
     */
    private void release(RunGuard.Permit permit) {
        boolean interrupted = Thread.interrupted();
        try {
            permit.release();
        } catch (Throwable error) {
            log.error("Worker '{}': releasing its run guard ({}) failed; what it holds stays taken until it expires",
                    worker.getName(), describe(guard), error);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the guard says it is, or its class if even that fails. */
    static String describe(RunGuard guard) {
        try {
            return guard.describe();
        } catch (RuntimeException e) {
            return guard.getClass().getName();
        }
    }
}
