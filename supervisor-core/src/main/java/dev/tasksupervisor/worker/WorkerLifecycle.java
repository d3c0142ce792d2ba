package dev.tasksupervisor.worker;

import dev.tasksupervisor.lifecycle.Deadline;

/**
 * The life cycle of one worker, whatever its kind: its {@link WorkerState}, the only transitions it
 * makes, and the waiters for the end of a stop. This is the one place a worker's state changes.
 *
 * <pre>
 * from      event                                                               to
 * NEW       start()                                                             ACTIVE
 * STOPPED   start() again (restart): no run from before still in progress       ACTIVE
 * ACTIVE    start failed: the kind could not begin its schedule                 STOPPED
 * ACTIVE    requestStop(): stop(), stop(Duration), requestStop(), the target    STOPPING
 *           returned false, the pool shut down under a run
 * STOPPING  settled: the kind has no run in progress and nothing left to run    STOPPED
 *           (a queue drained), see BackgroundWorker#idle(int)
 * STOPPING  forced: forceStop(), or a stop whose wait ran out; what still runs   STOPPED
 *           is interrupted or given up, what is queued handed back
 * </pre>
 *
 * <p>While {@code STOPPING} nothing new is accepted (puts, triggers) and the current run finishes; a
 * queue drains. {@code forcing} is set when a forced stop begins and stays until the next start: runs
 * that fail from then on failed because the stop interrupted them, not by themselves.
 *
 * <p>Every move out of a start (settled, forced) names the start it ends: the kinds' callbacks, timers and
 * forced stops run outside the monitor, and one from an earlier start must not end a later one.
 *
 * <p>Thread safety: {@code state}, {@code generation} and {@code forcing} are written only under this
 * object's monitor (it is private to its worker) and read anywhere; a waiter for the end of a stop waits on
 * the monitor, and each move to {@code STOPPED} wakes them all.
 */
final class WorkerLifecycle {

    private volatile WorkerState state = WorkerState.NEW;
    /** Counts starts, so that work left over from an earlier start can tell it is stale. */
    private volatile int generation;
    private volatile boolean forcing;

    WorkerState state() {
        return state;
    }

    int generation() {
        return generation;
    }

    boolean isActive() {
        return state == WorkerState.ACTIVE;
    }

    /** Whether a forced stop began since the last start. */
    boolean isForcing() {
        return forcing;
    }

    /** NEW or STOPPED → ACTIVE: a new start. Caller holds the monitor, and has checked the state. */
    void started() {
        generation++;
        forcing = false;
        moveTo(WorkerState.ACTIVE);
    }

    /** ACTIVE → STOPPED when the kind could not begin. Caller holds the monitor. */
    void startFailed() {
        moveTo(WorkerState.STOPPING);
        moveTo(WorkerState.STOPPED);
        notifyAll();
    }

    /** ACTIVE → STOPPING; whether this call made the move. Caller holds the monitor. */
    boolean stopRequested() {
        if (state != WorkerState.ACTIVE) {
            return false;
        }
        moveTo(WorkerState.STOPPING);
        return true;
    }

    /**
     * STOPPING → STOPPED for the start {@code startedIn}, by settling or by force; whether this call made
     * the move. Caller holds the monitor. Work left over from an earlier start cannot end a later one's stop.
     */
    boolean settled(int startedIn) {
        if (generation != startedIn || state != WorkerState.STOPPING) {
            return false;
        }
        moveTo(WorkerState.STOPPED);
        notifyAll();
        return true;
    }

    /**
     * Marks a forced stop as begun; returns the start it forces, or -1 unless the worker is STOPPING (then
     * there is nothing for this call to force).
     */
    synchronized int forcing() {
        if (state != WorkerState.STOPPING) {
            return -1;
        }
        forcing = true;
        return generation;
    }

    /** Waits until the worker is neither ACTIVE nor STOPPING, at most until {@code deadline}. */
    synchronized boolean awaitStopped(Deadline deadline) throws InterruptedException {
        while (state == WorkerState.ACTIVE || state == WorkerState.STOPPING) {
            if (deadline.hasPassed()) {
                return false;
            }
            deadline.waitOn(this);
        }
        return true;
    }

    /** The one place {@code state} changes. Caller holds the monitor. */
    private void moveTo(WorkerState next) {
        WorkerState current = state;
        if (!current.canMoveTo(next)) {
            throw new IllegalStateException("a worker cannot go from " + current + " to " + next);
        }
        state = next;
    }
}
