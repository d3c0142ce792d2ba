package dev.tasksupervisor.worker;

/**
 * Hears about a supervisor's workers: a worker registered or unregistered, and each run that ended.
 * The hook for metrics and tracing; add one with
 * {@code TaskSupervisor.addWorkerListener}.
 *
 * <p>Calls come on the thread that caused them: the one that registered the worker, or the pool thread
 * or aloop that finished the run (the stopping thread, for an async run a forced stop cancelled). {@link #runEnded} is on the path of every run, so it must be quick and
 * must not block. An exception thrown by a listener is logged and changes nothing for the worker.
 */
public interface WorkerListener {

    /**
     * A worker was registered with the supervisor (when it first starts), or registered again under
     * another name (a start with a name override); its old name is then gone.
     */
    default void registered(BackgroundWorker worker) {
    }

    /** A worker was unregistered: the supervisor no longer lists it nor stops it. */
    default void unregistered(BackgroundWorker worker) {
    }

    /**
     * A run of the worker's target ended; {@link BackgroundWorker#getRuns()} already counts it.
     *
     * @param worker the worker
     * @param durationNanos how long the run took, in nanoseconds
     * @param failure what the target failed with, or {@code null} if it succeeded. A run a forced stop
     *     ended reports how it ended (an {@code InterruptedException} of a sync target, the
     *     {@code CancellationException} of an async one), though {@link BackgroundWorker#getFailures()}
     *     does not count an async cancellation
     */
    default void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
    }

    /**
     * A run was skipped: the worker's {@link RunGuard} refused it (another instance holds the lock). It is
     * not a run: {@link BackgroundWorker#getSkips()} counts it, {@link BackgroundWorker#getRuns()} does not.
     * Called on the pool thread that asked the guard.
     *
     * @param worker the worker
     * @param durationNanos how long asking the guard took, in nanoseconds
     */
    default void runSkipped(BackgroundWorker worker, long durationNanos) {
    }
}
