package dev.tasksupervisor.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;

/**
 * A worker's run statistics: runs, failures (and how many in a row, since the last success), skips, the
 * start and duration of the last run, the end of the last success, and the last failure's error.
 *
 * <p>One thread at a time ends runs, since runs of one worker never overlap and each kind's hand-over
 * from one run to the next orders successive writers; so {@code runs}, {@code lastStartedNanos},
 * {@code lastNanos} and {@code lastSuccessNanos} are written with release stores, not full fences (a queue
 * worker pays this per item), and readers ({@link #lastRunStarted()}) only need a recent value. Except one:
 * an interval worker's end of a run ({@link #lastRunStartedSince}) needs that run's own start, which it reads
 * on the run's thread or after its completion, so ordered after the write.
 *
 * <p>What goes wrong (failures, skips, the last error) is kept apart, in {@link Setbacks}, made by the first
 * failure or skip: most workers never fail nor skip, and ten thousand idle workers should not pay 32 bytes
 * each for counters that stay 0. Its counters are counted atomically: a forced stop and the run it gives up
 * may both count. It is installed once, by compare-and-set, and never replaced.
 */
class RunStatistics {

    private static final long NEVER = Long.MIN_VALUE;
    private static final VarHandle RUNS;
    private static final VarHandle LAST_STARTED;
    private static final VarHandle LAST_NANOS;
    private static final VarHandle LAST_SUCCESS;
    private static final VarHandle SETBACKS;
    private static final VarHandle FAILURES;
    private static final VarHandle IN_A_ROW;
    private static final VarHandle SKIPS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RUNS = lookup.findVarHandle(RunStatistics.class, "runs", long.class);
            LAST_STARTED = lookup.findVarHandle(RunStatistics.class, "lastStartedNanos", long.class);
            LAST_NANOS = lookup.findVarHandle(RunStatistics.class, "lastNanos", long.class);
            LAST_SUCCESS = lookup.findVarHandle(RunStatistics.class, "lastSuccessNanos", long.class);
            SETBACKS = lookup.findVarHandle(RunStatistics.class, "setbacks", Setbacks.class);
            FAILURES = lookup.findVarHandle(Setbacks.class, "failures", long.class);
            IN_A_ROW = lookup.findVarHandle(Setbacks.class, "failuresInARow", int.class);
            SKIPS = lookup.findVarHandle(Setbacks.class, "skips", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long runs;
    /** {@link System#nanoTime()} when the last run started; NEVER before the first. */
    private volatile long lastStartedNanos = NEVER;
    private volatile long lastNanos = -1;
    /** {@link System#nanoTime()} when the last successful run ended; NEVER before the first. */
    private volatile long lastSuccessNanos = NEVER;
    /** Null until the first failure or skip. */
    private volatile Setbacks setbacks;

    /** A worker's failures and skips: made by the first of them. */
    private static final class Setbacks {
        volatile long failures;
        /** Failed runs since the last one that succeeded: what a failure backoff grows with. */
        volatile int failuresInARow;
        volatile long skips;
        /** The last failure's text and time; null before the first. Written by the failing run, read anywhere. */
        volatile WorkerInfo.LastError lastError;
    }

    /** The setbacks, made now if this is the first. */
    private Setbacks setbacks() {
        Setbacks s = setbacks;
        if (s == null) {
            Setbacks made = new Setbacks();
            s = SETBACKS.compareAndExchange(this, null, made) instanceof Setbacks other ? other : made;
        }
        return s;
    }

    /** A run starts at {@code nanos}. */
    void recordStart(long nanos) {
        LAST_STARTED.setRelease(this, nanos);
    }

    /** A run that started at {@code startedNanos} ended at {@code endedNanos}; returns how long it took. */
    long recordEnd(long startedNanos, long endedNanos) {
        long took = endedNanos - startedNanos;
        LAST_NANOS.setRelease(this, took);
        RUNS.setRelease(this, runs + 1);
        return took;
    }

    void countFailure() {
        Setbacks s = setbacks();
        FAILURES.getAndAdd(s, 1L);
        IN_A_ROW.getAndAdd(s, 1);
    }

    /** Keeps {@code error}'s text as the last error: a failure's price is one small object and a clock read. */
    void recordError(Throwable error) {
        setbacks().lastError = WorkerInfo.LastError.of(error, Instant.now());
    }

    /** The last failure's type, message and time; {@code null} before the first. */
    WorkerInfo.LastError lastError() {
        Setbacks s = setbacks;
        return s == null ? null : s.lastError;
    }

    /**
     * A run that succeeded ended at {@code endedNanos}: the failures in a row are over. Reads the count first, so
     * that a worker that never fails only stores the time.
     */
    void countSuccess(long endedNanos) {
        LAST_SUCCESS.setRelease(this, endedNanos);
        resetFailuresInARow();
    }

    /** A start begins: the failures of an earlier start are not this one's. */
    void resetFailuresInARow() {
        Setbacks s = setbacks;
        if (s != null && s.failuresInARow != 0) {
            s.failuresInARow = 0;
        }
    }

    /** When the last successful run ended, or {@code null} before the first. */
    Instant lastSuccess() {
        return toInstant(lastSuccessNanos);
    }


    /**
     * How the last finished run ended, or {@code null} before the first: the later of the last success and the
     * last failure.
     */
    WorkerInfo.RunOutcome lastOutcome() {
        Instant success = lastSuccess();
        WorkerInfo.LastError error = lastError();
        if (error == null) {
            return success == null ? null : WorkerInfo.RunOutcome.SUCCESS;
        }
        return success != null && success.isAfter(error.at()) ? WorkerInfo.RunOutcome.SUCCESS
                : WorkerInfo.RunOutcome.FAILURE;
    }

    /**
     * How long from now until a worker whose last runs failed may run again, with {@code backoff}: the wait
     * counts from the end of the last run; 0 or less when it may run now. So a kind needs no field of its own
     * for its backoff. Meaningful only while no run is in progress.
     */
    long backoffLeft(FailureBackoff backoff) {
        int failures = failuresInARow();
        if (failures == 0) {
            return 0;
        }
        long ended = lastStartedNanos + lastNanos;
        return ended + backoff.delayNanos(failures) - System.nanoTime();
    }

    /** Failed runs since the last success; 0 after a success or before any failure. */
    int failuresInARow() {
        Setbacks s = setbacks;
        return s == null ? 0 : s.failuresInARow;
    }

    /** The run guard refused a run: held elsewhere, as a lock another instance has. */
    void countSkip() {
        SKIPS.getAndAdd(setbacks(), 1L);
    }

    long runs() {
        return runs;
    }

    long failures() {
        Setbacks s = setbacks;
        return s == null ? 0 : s.failures;
    }

    long skips() {
        Setbacks s = setbacks;
        return s == null ? 0 : s.skips;
    }

    /** Whether the last run started at or after {@code nanos} ({@link System#nanoTime()}); false before the first. */
    boolean lastRunStartedSince(long nanos) {
        long started = lastStartedNanos;
        return started != NEVER && started - nanos >= 0;
    }

    /** When the last run started, or {@code null} before the first. */
    Instant lastRunStarted() {
        return toInstant(lastStartedNanos);
    }

    private static Instant toInstant(long nanos) {
        return nanos == NEVER ? null : Instant.now().minusNanos(System.nanoTime() - nanos);
    }

    /** How long the last finished run took, or {@code null} before the first. */
    Duration lastRunDuration() {
        long took = lastNanos;
        return took < 0 ? null : Duration.ofNanos(took);
    }
}
