package dev.tasksupervisor.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The moment a wait ends, on {@link System#nanoTime()}'s clock, or none for a wait as long as it takes.
 * Every wait of a stop (a supervisor's, an aloop's, a worker's) counts down one of these, so that the
 * phases of one stop share one limit.
 *
 * <p>Durations too long for nanoseconds (a timeout of centuries) saturate to "no deadline" rather than
 * overflow: {@link #nanos(Duration)} is the one conversion the engine uses.
 */
public final class Deadline {

    /** Nanoseconds this long or longer mean "as long as it takes"; far below overflow when added to nanoTime. */
    private static final long FOREVER_NANOS = Long.MAX_VALUE / 4;
    private static final Deadline NONE = new Deadline(0, true);

    private final long at;
    private final boolean none;

    private Deadline(long at, boolean none) {
        this.at = at;
        this.none = none;
    }

    /** No deadline: waits last as long as they take. */
    public static Deadline none() {
        return NONE;
    }

    /**
     * {@code timeout} from now; a timeout too long to count in nanoseconds is {@link #none()}.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static Deadline after(Duration timeout) {
        long nanos = nanos(Objects.requireNonNull(timeout, "timeout"));
        if (nanos < 0) {
            throw new IllegalArgumentException("a wait must not be negative, was " + timeout);
        }
        return nanos >= FOREVER_NANOS ? NONE : new Deadline(System.nanoTime() + nanos, false);
    }

    /**
     * {@code duration} in nanoseconds, saturated: durations beyond a century count as
     * {@value #FOREVER_NANOS} ns (for ever), negative ones keep their sign.
     */
    public static long nanos(Duration duration) {
        if (duration.compareTo(Duration.ofDays(36_500)) > 0) {
            return FOREVER_NANOS;
        }
        if (duration.isNegative()) {
            return duration.compareTo(Duration.ofDays(-36_500)) < 0 ? -FOREVER_NANOS : duration.toNanos();
        }
        return Math.min(duration.toNanos(), FOREVER_NANOS);
    }

    /** Whether this is no deadline at all. */
    public boolean isNone() {
        return none;
    }

    /** Nanoseconds left, 0 once passed; {@code Long.MAX_VALUE / 4} without a deadline. */
    public long remainingNanos() {
        return none ? FOREVER_NANOS : Math.max(0, at - System.nanoTime());
    }

    /** What is left, {@link Duration#ZERO} once passed. */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** Whether the deadline has passed; never for {@link #none()}. */
    public boolean hasPassed() {
        return !none && at - System.nanoTime() <= 0;
    }

    /** Waits on {@code monitor} (whose lock the caller holds) until notified or the deadline passes. */
    public void waitOn(Object monitor) throws InterruptedException {
        if (none) {
            monitor.wait();
        } else {
            TimeUnit.NANOSECONDS.timedWait(monitor, Math.max(1, remainingNanos()));
        }
    }

    @Override
    public String toString() {
        return none ? "no deadline" : "deadline in " + remaining();
    }
}
