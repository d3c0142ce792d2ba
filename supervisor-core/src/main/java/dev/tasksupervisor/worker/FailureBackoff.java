package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.Objects;

import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lifecycle.Deadline;

/**
 * How long a worker whose runs keep failing waits before its next run: {@code initial} after the first
 * failure, {@code multiplier} times longer after each further one, never more than {@code max}; a run that
 * succeeds resets it. So a continuous worker whose database is down tries a few times a minute instead of
 * thousands of times a second, and is back within {@code max} of the database; an interval worker due
 * every 10 ms that keeps failing skips its ticks until the backoff ends; an event worker runs its next
 * trigger after it.
 *
 * <pre>{@code
 * worker.setFailureBackoff(new FailureBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5)));
 * worker.setFailureBackoff(FailureBackoff.none()); // run again at once, as before
 * }</pre>
 *
 * @param initial the wait after the first failure in a row; 0 for none
 * @param multiplier how much longer each further failure in a row waits; at least 1
 * @param max the longest wait; not below {@code initial}
 */
public record FailureBackoff(Duration initial, double multiplier, Duration max) {

    private static final FailureBackoff DEFAULTS = new FailureBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(30));
    private static final FailureBackoff NONE = new FailureBackoff(Duration.ZERO, 1.0, Duration.ZERO);

    /**
     * Checks the settings.
     *
     * @throws InvalidSettingException if {@code initial} is negative, {@code multiplier} below 1 (or not a
     *     number), or {@code max} below {@code initial}
     */
    public FailureBackoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative()) {
            throw InvalidSettingException.notNegative(null, "backoff initial", initial, "set it to 0 (no wait) or more");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw InvalidSettingException.atLeastOne(null, "backoff multiplier", multiplier,
                    "set it to 1 (the same wait each time) or more, such as 2");
        }
        if (max.compareTo(initial) < 0) {
            throw InvalidSettingException.notAbove(null, "backoff initial", initial, "backoff max", max);
        }
    }

    /** 100 ms after the first failure, doubling, at most 30 s: what every worker but a queue worker starts with. */
    public static FailureBackoff defaults() {
        return DEFAULTS;
    }

    /** No wait: a failed run is followed at once by the next. */
    public static FailureBackoff none() {
        return NONE;
    }

    /** Nanoseconds to wait after {@code failures} failed runs in a row (1 or more). */
    long delayNanos(int failures) {
        long maxNanos = Deadline.nanos(max);
        double delay = Deadline.nanos(initial) * Math.pow(multiplier, Math.max(0, failures - 1));
        return delay >= maxNanos ? maxNanos : (long) delay;
    }
}
