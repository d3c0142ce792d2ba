package dev.tasksupervisor.worker;

/**
 * What an {@link IntervalWorker} at a fixed rate or on a {@link WorkerSchedule} does with the ticks it missed.
 * A tick is missed when its run cannot start within the grace ({@link IntervalWorker#MISFIRE_GRACE}, or half the
 * time to the following tick when that is shorter) after its time: because the previous run was still going,
 * or because the worker's timer was held up (a long GC pause, a suspended host, the wall clock jumping forward
 * under a schedule). Either way, missed ticks never make a burst of catch-up runs. A fixed delay has no ticks to
 * miss: its next run is always a delay after the end of the last one.
 */
public enum MisfirePolicy {

    /** The default: one run, as soon as it can start, stands for all the ticks missed; then the schedule goes on. */
    RUN_ONCE,

    /** Missed ticks do not run: the worker waits for the next tick still to come. */
    SKIP
}
