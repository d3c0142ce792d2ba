package dev.tasksupervisor.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a queue worker runs an item again whose run failed, in the vocabulary of Spring Framework 7's
 * {@code @Retryable}: {@code @Worker(queue = true, retry = @Retry(maxRetries = 5, delay = "2s"))}. The item
 * waits {@code delay}, then {@code multiplier} times longer before each further retry, at most
 * {@code maxDelay}, each wait moved at random by up to {@code jitter}; the items behind it do not wait.
 * An item whose retries are used up goes to the worker's dead letters. Durations are Spring Boot duration
 * strings and accept {@code ${...}} placeholders; {@code supervisor.workers.<name>.retry.*} overrides them.
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Retry {

    /** Runs after the first, at most; 0 retries nothing (the default of {@code @Worker(retry)}). */
    long maxRetries() default 3;

    /** The wait before the first retry. */
    String delay() default "1s";

    /** How much longer each further retry waits; 1 keeps the same wait. */
    double multiplier() default 2.0;

    /** The longest wait before a retry. */
    String maxDelay() default "1m";

    /** How far each wait may move at random, either way; "0" for none. */
    String jitter() default "0";

    /** Retries only failures of these types (or caused by one); empty: every failure. */
    Class<? extends Throwable>[] includes() default {};

    /** Never retries failures of these types (or caused by one). */
    Class<? extends Throwable>[] excludes() default {};
}
