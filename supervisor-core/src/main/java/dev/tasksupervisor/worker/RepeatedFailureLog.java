package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.lifecycle.Deadline;

/**
 * The default error handler's log of one worker. A kind of failure (same exception type, thrown from the
 * same place, whatever its message) is logged at ERROR with its stack trace the first time; again within
 * {@link #PERIOD}, it is counted instead, and the count is logged as one line, without a stack trace, by
 * the first such failure after the period (which starts a new one) or when the worker stops. Up to
 * {@link #KINDS} kinds are followed at once, so two failures that alternate are each logged once too; a
 * further kind pushes out the one seen longest ago, after logging its count. So a worker failing thousands
 * of times a second writes a few lines a minute, not a stack trace per run.
 *
 * <p>Thread safety: a worker's runs may fail on different threads (an async worker's completions, a queue
 * drain handed from task to task); every method takes this object's monitor, on the failure path only.
 */
final class RepeatedFailureLog {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWorker.class);

    /** How long the same failure is counted rather than logged. */
    static final Duration PERIOD = Duration.ofMinutes(1);
    /** How many kinds of failure are followed at once. */
    static final int KINDS = 8;

    /** One kind of failure: when its period began, and what came since without being logged. */
    private static final class Kind {
        long periodStart;
        long repeats;
        Throwable last;
    }

    private final long periodNanos;
    /** By key, the one seen longest ago first. Guarded by this. */
    private final LinkedHashMap<String, Kind> kinds = new LinkedHashMap<>(16, 0.75f, true);

    RepeatedFailureLog(Duration period) {
        this.periodNanos = Deadline.nanos(period);
    }

    /** Logs or counts a failed run of {@code worker} for {@code input} (null: a run without one). */
    synchronized void failed(BackgroundWorker worker, Object input, Throwable error) {
        String key = keyOf(error);
        long now = System.nanoTime();
        Kind kind = kinds.get(key);
        if (kind != null) {
            kind.repeats++;
            kind.last = error;
            if (now - kind.periodStart >= periodNanos) {
                summarise(worker.getName(), kind, now);
            }
            return;
        }
        if (kinds.size() >= KINDS) {
            Iterator<Kind> eldest = kinds.values().iterator();
            summarise(worker.getName(), eldest.next(), now);
            eldest.remove();
        }
        kind = new Kind();
        kind.periodStart = now;
        kinds.put(key, kind);
        log.error("Worker '{}' failed{}: {}", worker.getName(), input == null ? "" : " on " + WorkerRuns.describe(input),
                error.toString(), error);
    }

    /** Logs the counts not logged yet, and forgets every kind: the worker stopped. */
    synchronized void flush(String workerName) {
        long now = System.nanoTime();
        for (Kind kind : kinds.values()) {
            summarise(workerName, kind, now);
        }
        kinds.clear();
    }

    /** Logs the count of {@code kind} if it has one, and starts its new period. Caller holds this. */
    private static void summarise(String workerName, Kind kind, long now) {
        if (kind.repeats > 0) {
            log.error("Worker '{}' failed {} more time(s) in the last {} s with the same error, last: {} (stack trace "
                    + "logged with the first)", workerName, String.format(Locale.ROOT, "%,d", kind.repeats),
                    String.format(Locale.ROOT, "%.1f", (now - kind.periodStart) / 1e9), kind.last.toString());
        }
        kind.repeats = 0;
        kind.last = null;
        kind.periodStart = now;
    }

    /** The exception's type, where it was thrown, and its cause's type: the message may differ by item. */
    private static String keyOf(Throwable error) {
        StackTraceElement[] trace = error.getStackTrace();
        Throwable cause = error.getCause();
        return error.getClass().getName() + (trace.length > 0 ? "@" + trace[0] : "")
                + (cause == null ? "" : " caused by " + cause.getClass().getName());
    }

    @Override
    public synchronized String toString() {
        return "failure log of " + kinds.size() + " kind(s) of failure";
    }
}
