package dev.tasksupervisor.store;

import java.time.Instant;

/**
 * An item of a durable queue whose last run failed with no retry left, kept in the store with that run's error
 * until it is requeued or deleted (the in-memory counterpart is {@link dev.tasksupervisor.worker.DeadLetter}).
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
public record StoredDeadLetter(long id, String queue, String payloadJson, String idempotencyKey,
        Instant enqueuedAt, Instant failedAt, int attempts, String errorType, String errorMessage) {
}
