package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.lifecycle.Deadline;

/**
 * The default error handler's log of one worker: a failure is logged at ERROR with its stack trace the first
 * time, and the same failure again (same exception type, thrown from the same place) is counted, not logged,
 * until {@link #PERIOD} has passed; the next one then logs one line with the count, and starts a new period.
 * A different failure is logged in full at once, after the count of the one before. So a worker failing
 * thousands of times a second writes a line a minute, not a stack trace per run.
 *
 * <p>Thread safety: a worker's runs may fail on different threads (an async worker's completions, a queue
 * drain handed from task to task); every method takes this object's monitor, on the failure path only.
 */
final class RepeatedFailureLog {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWorker.class);

    /** How long the same failure is counted rather than logged. */
    static final Duration PERIOD = Duration.ofMinutes(1);

    private final long periodNanos;

    /** What identifies the failure logged last; null before the first. Guarded by this. */
    private String lastKey;
    /** When the current period began. Guarded by this. */
    private long periodStart;
    /** Failures like the last logged one since the period began, not logged. Guarded by this. */
    private long repeats;
    /** The last of them, for the summary line. Guarded by this. */
    private Throwable lastRepeat;

    RepeatedFailureLog(Duration period) {
        this.periodNanos = Deadline.nanos(period);
    }

    /** Logs or counts a failed run of {@code worker}. */
    synchronized void failed(BackgroundWorker worker, Throwable error) {
        String key = keyOf(error);
        long now = System.nanoTime();
        if (key.equals(lastKey)) {
            repeats++;
            lastRepeat = error;
            if (now - periodStart >= periodNanos) {
                summarise(worker.getName(), now);
            }
            return;
        }
        summarise(worker.getName(), now);
        lastKey = key;
        log.error("Worker '{}' failed: {}", worker.getName(), error.toString(), error);
    }

    /** Logs the count of repeats not logged yet, if any: at the end of a period, or when the worker stops. */
    synchronized void flush(String workerName) {
        summarise(workerName, System.nanoTime());
    }

    /** Caller holds this. */
    private void summarise(String workerName, long now) {
        if (repeats > 0) {
            log.error("Worker '{}' failed {} more time(s) in the last {} s with the same error, last: {} (stack trace "
                    + "logged with the first)", workerName, String.format(Locale.ROOT, "%,d", repeats),
                    String.format(Locale.ROOT, "%.1f", (now - periodStart) / 1e9), lastRepeat.toString());
        }
        repeats = 0;
        lastRepeat = null;
        periodStart = now;
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
        return "failure log: " + Objects.toString(lastKey, "no failure") + ", " + repeats + " repeat(s) not logged";
    }
}
