package dev.tasksupervisor.jdbc;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An item whose last run failed with no retry left, kept with that run's error until it is taken.
 *
 * @param id the id the item had in the queue
 * @param queue the queue it was put on
 * @param payloadJson the item, as the JSON text it was put with
 * @param idempotencyKey the key it was put with, or null
 * @param enqueuedAt when it was put, on the database's clock
 * @param failedAt when it moved to the dead letters, on the database's clock
 * @param attempts the failed runs, the last one included
 * @param errorType the type of the last failure
 * @param errorMessage the message of the last failure, or null
 */
public record DeadLetter(long id, String queue, String payloadJson, @Nullable String idempotencyKey,
        Instant enqueuedAt, Instant failedAt, int attempts, String errorType, @Nullable String errorMessage) {
}
