package dev.tasksupervisor.store;

import java.time.Instant;

/**
 * An item a {@link QueueStore#claim claim} handed to an owner, until its lease ends: what to hand back to
 * {@link QueueStore#complete complete}, {@link QueueStore#extend extend}, {@link QueueStore#release release} or
 * {@link QueueStore#fail fail}.
 *
 * <p>{@code claimNumber} tells this claim from the item's earlier and later ones (1 for the first claim): the
 * store acts on an item only for its latest claim, so an owner whose lease ended and was claimed again by
 * someone else can no longer change the item.
 *
 * @param id the item's id in the store, rising in put order
 * @param queue the queue the item was put on
 * @param payloadJson the item, as the text it was put with (JSON for the stores and codecs shipped)
 * @param idempotencyKey the key it was put with, or null
 * @param enqueuedAt when it was put, on the database's clock
 * @param leaseUntil when this claim's lease ends, on the database's clock (an {@code extend} moves it)
 * @param owner who claimed it
 * @param claimNumber which claim of the item this is, 1 for the first
 * @param attempts the failed runs counted so far by {@code fail}
 * @param lastErrorType the type of the last failure, or null
 * @param lastErrorMessage the message of the last failure, or null
 */
public record ClaimedItem(long id, String queue, String payloadJson, String idempotencyKey,
        Instant enqueuedAt, Instant leaseUntil, String owner, int claimNumber, int attempts,
        String lastErrorType, String lastErrorMessage) {
}
