package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lifecycle.Deadline;

/**
 * How often, and after how long, a queue worker runs an item again whose run failed; in the vocabulary of
 * Spring Framework 7's {@code @Retryable}. After the first run fails, the item waits {@code delay} and runs
 * again, each further retry waiting {@code multiplier} times longer, never more than {@code maxDelay}, each
 * wait moved at random by up to {@code jitter} (growing with the same multiplier) so that items which
 * failed together do not all come back together. An item whose retries are used up, or whose failure is
 * not one to retry, goes to the worker's dead letters ({@link DeadLetter}).
 *
 * <pre>{@code
 * worker.setRetryPolicy(RetryPolicy.builder()
 *         .maxRetries(5).delay(Duration.ofSeconds(1)).multiplier(2).maxDelay(Duration.ofMinutes(1))
 *         .jitter(Duration.ofMillis(200)).includes(IOException.class)
 *         .build());
 * }</pre>
 *
 * <p>Immutable. {@link #none()}, the default, retries nothing: a failed item goes straight to the dead letters.
 */
public final class RetryPolicy {

    private static final RetryPolicy NONE = new Builder().maxRetries(0).build();

    private final long maxRetries;
    private final Duration delay;
    private final double multiplier;
    private final Duration maxDelay;
    private final Duration jitter;
    private final List<Class<? extends Throwable>> includes;
    private final List<Class<? extends Throwable>> excludes;

    private RetryPolicy(Builder b) {
        this.maxRetries = b.maxRetries;
        this.delay = b.delay;
        this.multiplier = b.multiplier;
        this.maxDelay = b.maxDelay;
        this.jitter = b.jitter;
        this.includes = List.copyOf(b.includes);
        this.excludes = List.copyOf(b.excludes);
    }

    /** No retries: a failed item goes to the dead letters at once. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** A builder with the defaults: 3 retries, 1 s first delay, doubling, at most 1 min, no jitter, any exception. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder().maxRetries(maxRetries).delay(delay).multiplier(multiplier).maxDelay(maxDelay)
                .jitter(jitter);
        b.includes = List.copyOf(includes);
        b.excludes = List.copyOf(excludes);
        return b;
    }

    /** Runs after the first, at most; 0 for none. */
    public long maxRetries() {
        return maxRetries;
    }

    /** The wait before the first retry. */
    public Duration delay() {
        return delay;
    }

    /** How much longer each further retry waits. */
    public double multiplier() {
        return multiplier;
    }

    /** The longest wait before a retry, jitter included. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** How far each wait may move at random, before the multiplier. */
    public Duration jitter() {
        return jitter;
    }

    /** The failures that are retried (an exception of one of these types, or caused by one); empty for all. */
    public List<Class<? extends Throwable>> includes() {
        return includes;
    }

    /** The failures that are never retried, even when {@link #includes()} names them. */
    public List<Class<? extends Throwable>> excludes() {
        return excludes;
    }

    /**
     * Whether an item whose run failed with {@code error} after {@code attempts} runs (the failed one
     * included) runs again.
     */
    public boolean retries(Throwable error, int attempts) {
        return attempts <= maxRetries && applies(error);
    }

    private boolean applies(Throwable error) {
        if (matches(excludes, error)) {
            return false;
        }
        return includes.isEmpty() || matches(includes, error);
    }

    /** Whether {@code error} or one of its causes is of one of the {@code types}. */
    private static boolean matches(List<Class<? extends Throwable>> types, Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) { // 16: a cycle cannot hang it
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Nanoseconds to wait before the retry that follows the {@code attempts}-th failed run (1 or more):
     * the grown delay, moved by the grown jitter, never below {@code delay} nor above {@code maxDelay}.
     */
    long delayNanos(int attempts) {
        double grown = Math.pow(multiplier, Math.max(0, attempts - 1));
        double base = Deadline.nanos(delay) * grown;
        double spread = Deadline.nanos(jitter) * grown;
        double wait = spread > 0 ? base + ThreadLocalRandom.current().nextDouble(-spread, spread) : base;
        long least = Deadline.nanos(delay);
        long most = Deadline.nanos(maxDelay);
        return wait <= least ? least : wait >= most ? most : (long) wait;
    }

    @Override
    public String toString() {
        if (maxRetries == 0) {
            return "no retries";
        }
        return "up to " + maxRetries + " retries after " + delay + (multiplier == 1.0 ? "" : ", x" + multiplier)
                + " up to " + maxDelay + (jitter.isZero() ? "" : ", jitter " + jitter)
                + (includes.isEmpty() ? "" : ", for " + names(includes))
                + (excludes.isEmpty() ? "" : ", not for " + names(excludes));
    }

    private static String names(List<Class<? extends Throwable>> types) {
        return types.stream().map(Class::getSimpleName).toList().toString();
    }

    /** Builds a {@link RetryPolicy}; each setter checks its value. */
    public static final class Builder {

        private long maxRetries = 3;
        private Duration delay = Duration.ofSeconds(1);
        private double multiplier = 2.0;
        private Duration maxDelay = Duration.ofMinutes(1);
        private Duration jitter = Duration.ZERO;
        private List<Class<? extends Throwable>> includes = List.of();
        private List<Class<? extends Throwable>> excludes = List.of();

        private Builder() {
        }

        /**
         * Runs after the first, at most; 0 for none.
         *
         * @throws InvalidSettingException if negative
         */
        public Builder maxRetries(long maxRetries) {
            if (maxRetries < 0) {
                throw InvalidSettingException.notNegative(null, "retry max-retries", maxRetries,
                        "set it to 0 (no retries) or more, such as 3");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * The wait before the first retry.
         *
         * @throws InvalidSettingException if negative
         */
        public Builder delay(Duration delay) {
            this.delay = notNegative(delay, "retry delay", "set it to 0 (retry at once) or more");
            return this;
        }

        /**
         * How much longer each further retry waits than the one before.
         *
         * @throws InvalidSettingException if below 1 or not a finite number
         */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw InvalidSettingException.atLeastOne(null, "retry multiplier", multiplier,
                        "set it to 1 (the same wait each time) or more, such as 2");
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * The longest wait before a retry.
         *
         * @throws InvalidSettingException if negative
         */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = notNegative(maxDelay, "retry max-delay", "set it to the retry delay or more");
            return this;
        }

        /**
         * How far each wait may move at random, either way (growing with the multiplier); 0 for none.
         *
         * @throws InvalidSettingException if negative
         */
        public Builder jitter(Duration jitter) {
            this.jitter = notNegative(jitter, "retry jitter", "set it to 0 (no jitter) or more");
            return this;
        }

        /** Retries only failures of these types (or caused by one); none given: every failure. */
        @SafeVarargs
        public final Builder includes(Class<? extends Throwable>... types) {
            this.includes = List.of(types);
            return this;
        }

        /** Never retries failures of these types (or caused by one). */
        @SafeVarargs
        public final Builder excludes(Class<? extends Throwable>... types) {
            this.excludes = List.of(types);
            return this;
        }

        /** As {@link #includes(Class[])}, from a list. */
        public Builder includes(List<Class<? extends Throwable>> types) {
            this.includes = List.copyOf(types);
            return this;
        }

        /** As {@link #excludes(Class[])}, from a list. */
        public Builder excludes(List<Class<? extends Throwable>> types) {
            this.excludes = List.copyOf(types);
            return this;
        }

        private static Duration notNegative(Duration value, String setting, String fix) {
            Objects.requireNonNull(value, setting);
            if (value.isNegative()) {
                throw InvalidSettingException.notNegative(null, setting, value, fix);
            }
            return value;
        }

        /**
         * The policy.
         *
         * @throws InvalidSettingException if {@code maxDelay} is below {@code delay}
         */
        public RetryPolicy build() {
            if (maxDelay.compareTo(delay) < 0) {
                throw InvalidSettingException.notAbove(null, "retry delay", delay, "retry max-delay", maxDelay);
            }
            return new RetryPolicy(this);
        }
    }
}
