package dev.tasksupervisor.lock;

import java.time.Duration;
import java.util.Objects;

import dev.tasksupervisor.config.InvalidSettingException;

/**
 * The lock a worker takes before each run, as ShedLock takes it: a name shared by every instance of the
 * application, held at most {@code atMostFor} (should the instance holding it die) and at least
 * {@code atLeastFor} (even when the run ends sooner).
 *
 * @param name the lock's name in the shared store
 * @param atMostFor how long the lock is held at most; must exceed the longest run
 * @param atLeastFor how long the lock is held at least; zero or more, at most {@code atMostFor}
 */
public record WorkerLock(String name, Duration atMostFor, Duration atLeastFor) {

    /** {@link #DEFAULT_AT_MOST_FOR} as {@code @Worker} and the properties spell it. */
    public static final String DEFAULT_AT_MOST_FOR_TEXT = "10m";

    /**
     * {@code atMostFor} when none is given (ShedLock needs one): long enough for most periodic jobs, short
     * enough that the other instances take over within minutes when the one holding the lock dies.
     */
    public static final Duration DEFAULT_AT_MOST_FOR = Duration.ofMinutes(10);

    /**
     * @throws IllegalArgumentException for an empty name
     * @throws InvalidSettingException for a zero or negative {@code atMostFor}, a negative {@code atLeastFor}
     *     or one longer than {@code atMostFor}
     */
    public WorkerLock {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(atMostFor, "atMostFor");
        Objects.requireNonNull(atLeastFor, "atLeastFor");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a lock name must not be empty");
        }
        String owner = "lock '" + name + "'";
        if (atMostFor.isNegative() || atMostFor.isZero()) {
            throw InvalidSettingException.positive(owner, "atMostFor", atMostFor, DEFAULT_AT_MOST_FOR_TEXT);
        }
        if (atLeastFor.isNegative()) {
            throw InvalidSettingException.notNegative(owner, "atLeastFor", atLeastFor, "set it to 0 or a positive duration");
        }
        if (atLeastFor.compareTo(atMostFor) > 0) {
            throw InvalidSettingException.notAbove(owner, "atLeastFor", atLeastFor, "atMostFor", atMostFor);
        }
    }

    /** A lock held at most {@link #DEFAULT_AT_MOST_FOR} and at least not at all. */
    public static WorkerLock named(String name) {
        return new WorkerLock(name, DEFAULT_AT_MOST_FOR, Duration.ZERO);
    }
}
