package dev.tasksupervisor.worker;

import java.util.Optional;

/**
 * Decides, before each run of an interval or event worker, whether that run may go ahead: the hook for
 * running a worker once per tick across several instances of an application (a lock in a shared store).
 * Set one with {@link BackgroundWorker#setRunGuard}.
 *
 * <p>A run the guard refuses is <em>skipped</em>: not a run and not a failure, counted by
 * {@link BackgroundWorker#getSkips()} and told to {@link WorkerListener#runSkipped}; an interval worker
 * keeps its schedule, so the next tick asks again. A guard that throws fails the run: the error handler
 * gets a {@link RunGuardException} naming the worker and the guard, and the worker goes on.
 *
 * <p>Both methods may block (a lock in a database is a network round trip), so the worker calls them on
 * a pool thread, never on an aloop or a timer thread; for an async target the permit is taken before the
 * target is started on its aloop and released on a pool thread once its stage has completed (or, when a
 * forced supervisor stop drops that pool task, by the thread doing the stop). The worker's
 * own guarantee stays: its target never runs twice at once in this process, whatever the guard says.
 *
 * <p>Asking is part of the run: while {@link #tryAcquire} blocks, the worker {@linkplain
 * BackgroundWorker#isRunning() is running}, a forced stop interrupts the asking thread, and a supervisor's
 * stop reports the worker as stuck if the guard ignores that. A permit granted after a forced stop is
 * released at once, and the target does not run.
 */
@FunctionalInterface
public interface RunGuard {

    /**
     * Asks for one run of {@code worker}'s target.
     *
     * @param worker the worker about to run
     * @return a permit, which the worker releases once when the run ends, however it ends; or empty to skip
     *     this run
     * @throws Exception if the guard cannot decide (its store is unreachable): the run counts as failed
     */
    Optional<Permit> tryAcquire(BackgroundWorker worker) throws Exception;

    /** What guards the worker, for people (logs, the endpoint), e.g. {@code "lock 'nightly-report'"}. */
    default String describe() {
        return getClass().getName();
    }

    /** Permission for one run, released exactly once, when that run has ended. */
    @FunctionalInterface
    interface Permit {

        /**
         * Ends the permission. A failure here is logged: the run has happened, and whatever the guard
         * keeps (a lock) stays taken until it expires.
         */
        void release() throws Exception;
    }
}
