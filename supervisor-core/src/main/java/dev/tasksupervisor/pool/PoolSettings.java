package dev.tasksupervisor.pool;

import java.time.Duration;
import java.util.Objects;

import dev.tasksupervisor.config.InvalidSettingException;

/**
 * The size and behaviour of a supervisor's thread pool: neotasker's {@code set_thread_pool}
 * arguments plus the pool health check. Immutable and validated on construction; build one with
 * {@link #builder()}.
 *
 * @param minSize threads kept even when idle, all started with the pool
 * @param maxSize the most threads that run at once (priority {@code CRITICAL} tasks aside)
 * @param poolSize the priority limit for {@code LOW} tasks; 0 switches priorities off
 * @param reserveNormal slots above {@code poolSize} that {@code NORMAL} and higher tasks may use
 * @param reserveHigh slots above those that {@code HIGH} and {@code CRITICAL} tasks may use
 * @param keepAlive how long a thread above {@code minSize} may idle before it ends
 * @param virtualThreads run pool tasks on virtual threads (Java 21+); {@code maxSize} still bounds
 *     how many run at once
 * @param checkInterval how often the pool health check probes the pool
 * @param checkTimeout how soon a probe must start before the pool counts as saturated
 */
public record PoolSettings(
        int minSize,
        int maxSize,
        int poolSize,
        int reserveNormal,
        int reserveHigh,
        Duration keepAlive,
        boolean virtualThreads,
        Duration checkInterval,
        Duration checkTimeout) {

    /** How {@link InvalidSettingException}s name these settings' owner. */
    private static final String OWNER = "pool";

    /** Default idle time before a thread above {@code minSize} ends. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);
    /** Default period of the pool health check. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** Default time a health probe may wait for a thread. */
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(1);

    /**
     * Validates every setting.
     *
     * @throws InvalidSettingException naming the setting and the fix
     * @throws IllegalStateException for virtual threads on a JVM older than Java 21
     */
    public PoolSettings {
        requireNotNegative(minSize, "minSize");
        if (maxSize < 1) {
            throw InvalidSettingException.atLeastOne(OWNER, "maxSize", maxSize, "set it to 1 or more");
        }
        if (minSize > maxSize) {
            throw InvalidSettingException.notAbove(OWNER, "minSize", minSize, "maxSize", maxSize);
        }
        requireNotNegative(poolSize, "poolSize");
        requireNotNegative(reserveNormal, "reserveNormal");
        requireNotNegative(reserveHigh, "reserveHigh");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (keepAlive.isNegative()) {
            throw InvalidSettingException.notNegative(OWNER, "keepAlive", keepAlive,
                    "set it to 0 or a positive duration");
        }
        requirePositive(checkInterval, "checkInterval", "5s");
        requirePositive(checkTimeout, "checkTimeout", "1s");
        if (virtualThreads && Runtime.version().feature() < 21) {
            throw new IllegalStateException("virtual threads need Java 21 or newer, but this JVM runs Java "
                    + Runtime.version().feature() + ": switch virtualThreads off or run on Java 21+");
        }
    }

    private static void requireNotNegative(int value, String name) {
        if (value < 0) {
            throw InvalidSettingException.notNegative(OWNER, name, value, "set it to 0 or more");
        }
    }

    private static void requirePositive(Duration value, String name, String example) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw InvalidSettingException.positive(OWNER, name, value, example);
        }
    }

    /** The defaults: no threads kept, at most CPUs × 5, no priorities. */
    public static PoolSettings defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder()
                .minSize(minSize)
                .maxSize(maxSize)
                .poolSize(poolSize)
                .reserveNormal(reserveNormal)
                .reserveHigh(reserveHigh)
                .keepAlive(keepAlive)
                .virtualThreads(virtualThreads)
                .checkInterval(checkInterval)
                .checkTimeout(checkTimeout);
    }

    /** Whether priority limits apply ({@code poolSize} &gt; 0). */
    public boolean prioritiesEnabled() {
        return poolSize > 0;
    }

    /** The default {@code maxSize} when neither it nor {@code poolSize} is given: CPUs × 5. */
    public static int defaultMaxSize() {
        return Runtime.getRuntime().availableProcessors() * 5;
    }

    /**
     * Builds {@link PoolSettings}. An unset {@code maxSize} becomes {@code poolSize + reserveNormal +
     * reserveHigh} when {@code poolSize} is set, CPUs × 5 otherwise.
     */
    public static final class Builder {

        private int minSize;
        private boolean minSizeMax;
        private Integer maxSize;
        private int poolSize;
        private int reserveNormal;
        private int reserveHigh;
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private boolean virtualThreads;
        private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
        private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;

        private Builder() {
        }

        /** Threads kept even when idle (default 0). */
        public Builder minSize(int minSize) {
            this.minSize = minSize;
            this.minSizeMax = false;
            return this;
        }

        /** Keeps (and pre-starts) every thread up to {@code maxSize}: neotasker's {@code min_size='max'}. */
        public Builder minSizeMax() {
            this.minSizeMax = true;
            return this;
        }

        /** The most threads that run at once. */
        public Builder maxSize(int maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        /** Priority limit for {@code LOW} tasks; 0 (the default) switches priorities off. */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /** Extra slots for {@code NORMAL} and higher tasks. */
        public Builder reserveNormal(int reserveNormal) {
            this.reserveNormal = reserveNormal;
            return this;
        }

        /** Extra slots for {@code HIGH} and {@code CRITICAL} tasks. */
        public Builder reserveHigh(int reserveHigh) {
            this.reserveHigh = reserveHigh;
            return this;
        }

        /** Idle time before a thread above {@code minSize} ends (default 60 s). */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        /** Runs pool tasks on virtual threads (Java 21+). */
        public Builder virtualThreads(boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
            return this;
        }

        /** How often the health check probes the pool (default 5 s). */
        public Builder checkInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
            return this;
        }

        /** How soon a probe must start (default 1 s). */
        public Builder checkTimeout(Duration checkTimeout) {
            this.checkTimeout = checkTimeout;
            return this;
        }

        /** Resolves the defaults and validates. */
        public PoolSettings build() {
            int max;
            if (maxSize != null) {
                max = maxSize;
            } else if (poolSize > 0) {
                max = poolSize + reserveNormal + reserveHigh;
            } else {
                max = defaultMaxSize();
            }
            int min = minSizeMax ? max : minSize;
            return new PoolSettings(min, max, poolSize, reserveNormal, reserveHigh, keepAlive, virtualThreads,
                    checkInterval, checkTimeout);
        }
    }
}
