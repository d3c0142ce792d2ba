package dev.tasksupervisor.worker;

import java.time.Duration;
import java.time.Instant;

/**
 * A point-in-time view of one worker, as the supervisor's info snapshot and the actuator endpoint
 * show it. Taking it resets nothing.
 *
 * @param name the worker's name
 * @param kind what makes it run
 * @param state its life-cycle state
 * @param aloop the aloop its async target runs on, or {@code null} for a sync target
 * @param schedule how it is scheduled, e.g. {@code "every PT1S"}, {@code "per item"}
 * @param runs completed runs, failed ones included
 * @param failures runs that failed
 * @param lastRunStarted when the last run started, or {@code null}
 * @param lastRunDuration how long the last finished run took, or {@code null}
 * @param queueSize items waiting in its queue; 0 for kinds without one
 * @param skipped runs its {@link RunGuard} refused (another instance held the lock): neither runs nor failures
 * @param guard what guards its runs ({@link RunGuard#describe()}), or {@code null} if nothing does
 * @param retries runs of failed queue items started again; 0 for kinds without a queue
 * @param retrying failed queue items waiting for their retry now (not in {@code queueSize})
 * @param deadLetters queue items given up on ({@link DeadLetter}), kept or not
 * @param deadLettersKept dead letters the worker keeps now, until the application takes them
 * @param failuresInARow failed runs since the last success: while above 0, a worker with a failure backoff waits it
 * @param paused whether a queue worker holds its items instead of running them ({@link QueueWorker#pause()});
 *     false for other kinds
 * @param capacity a queue worker's bound on its queue in the current (or last) start, 0 when unbounded; 0 for
 *     other kinds
 * @param lastError the last failed run's error, or {@code null} before the first failure
 * @param lastOutcome how the last finished run ended, or {@code null} before the first
 * @param lastSuccess when the last successful run ended, or {@code null} before the first
 * @param nextRun when the next scheduled run is due ({@link IntervalWorker#getNextRun()}), or {@code null}: other
 *     kinds, or none is scheduled
 * @param misfires how many times ticks were missed ({@link IntervalWorker#getMisfires()}); 0 for other kinds
 */
public record WorkerInfo(
        String name,
        WorkerKind kind,
        WorkerState state,
        String aloop,
        String schedule,
        long runs,
        long failures,
        Instant lastRunStarted,
        Duration lastRunDuration,
        int queueSize,
        long skipped,
        String guard,
        long retries,
        int retrying,
        long deadLetters,
        int deadLettersKept,
        int failuresInARow,
        boolean paused,
        int capacity,
        LastError lastError,
        RunOutcome lastOutcome,
        Instant lastSuccess,
        Instant nextRun,
        long misfires) {

    /** How a run ended: the target returned, or it threw (or its run guard did, or it timed out). */
    public enum RunOutcome {
        SUCCESS,
        FAILURE
    }

    /**
     * The error of a worker's last failed run: its type, its message cut to {@value #MESSAGE_CHARS}
     * characters, and when it failed. Only the text is kept, not the exception, whose causes and stack (and
     * whatever objects they reach) a worker that failed once would otherwise hold for ever.
     *
     * @param type the exception's class name
     * @param message its message, cut; {@code null} when it has none
     * @param at when the run failed
     */
    public record LastError(String type, String message, Instant at) {

        /** The most characters of an error's message kept: enough to recognise it, not a megabyte of it. */
        public static final int MESSAGE_CHARS = 500;

        static LastError of(Throwable error, Instant at) {
            String message = error.getMessage();
            return new LastError(error.getClass().getName(), message == null || message.length() <= MESSAGE_CHARS
                    ? message : message.substring(0, MESSAGE_CHARS) + "...", at);
        }
    }
}
