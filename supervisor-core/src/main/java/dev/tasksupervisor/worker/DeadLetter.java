package dev.tasksupervisor.worker;

import java.time.Instant;
import java.util.Objects;

/**
 * A queue item that a worker gave up on: its runs failed and its {@link RetryPolicy} allows no more. Nothing
 * drops it: it goes to the worker's {@link DeadLetterHandler}, or, by default, is logged at WARN and kept
 * until the application takes it ({@link QueueWorker#takeDeadLetters()}).
 *
 * @param worker the name of the worker whose item it is
 * @param item the item, as it was put
 * @param error the last run's failure
 * @param attempts how many times it ran, the failed last one included
 * @param failedAt when the last run failed
 * @param <T> the worker's item type
 */
public record DeadLetter<T>(String worker, T item, Throwable error, int attempts, Instant failedAt) {

    /** Checks that nothing is missing. */
    public DeadLetter {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(failedAt, "failedAt");
    }
}
