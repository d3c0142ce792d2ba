package dev.tasksupervisor.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * Named queues of items kept outside the JVM, which a {@link dev.tasksupervisor.worker.DurableQueueWorker} puts
 * into and claims from: items survive the process, and every instance on the same store shares them.
 *
 * <h2>The contract</h2>
 * <ul>
 *   <li>An item leaves the store only through {@link #complete} or {@link #fail} without a retry time (to the
 *       dead letters): at least once.</li>
 *   <li>A {@link #claim} holds an item for its owner until the store's clock passes the lease; then anyone may
 *       claim it again. Two claims never hold one item under unexpired leases.</li>
 *   <li>Only an item's latest claim may change it: {@link #complete}, {@link #extend}, {@link #release} and
 *       {@link #fail} given an older {@link ClaimedItem} change nothing and return false.</li>
 *   <li>Claims come in put order within a queue; strict order across claimers is not promised.</li>
 *   <li>A put with an idempotency key already stored in that queue does nothing.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe: one store serves every worker and thread of the application.
 */
public interface QueueStore {

    /**
     * Stores an item at the end of a queue.
     *
     * @param idempotencyKey null, or a key that makes the put do nothing while an item with it is stored there
     * @return the new item's id, or empty if the key was already stored
     */
    OptionalLong put(String queue, String payload, String idempotencyKey);

    /** Claims up to {@code max} claimable items of a queue, in put order, for {@code owner} until now plus {@code lease}. */
    List<ClaimedItem> claim(String queue, int max, Duration lease, String owner);

    /**
     * Completes {@code completing} as {@link #completeAll} does, then claims as {@link #claim(String, int, Duration,
     * String)} does: what a worker calls after running a claim, so that a database store removes that claim's items
     * and takes the next ones in one transaction, one commit instead of two. The default makes the two calls.
     */
    default ClaimResult claim(String queue, int max, Duration lease, String owner, List<ClaimedItem> completing) {
        List<ClaimedItem> notCompleted = completeAll(completing);
        return new ClaimResult(claim(queue, max, lease, owner), notCompleted);
    }

    /** Deletes a claimed item, its run having succeeded; false if this claim no longer holds it. */
    boolean complete(ClaimedItem item);

    /**
     * Deletes several claimed items whose runs succeeded, as {@link #complete} does each, in one call (a database
     * store: one transaction), so that a worker settles a claim's quick runs together rather than paying a commit
     * per item. The default completes them one by one.
     *
     * @return the items this call did not delete because their claim no longer holds them, in the order given
     */
    default List<ClaimedItem> completeAll(List<ClaimedItem> items) {
        List<ClaimedItem> lost = new java.util.ArrayList<>();
        for (ClaimedItem item : items) {
            if (!complete(item)) {
                lost.add(item);
            }
        }
        return lost;
    }

    /** Moves the end of the claim's lease to now plus {@code lease}; false if this claim no longer holds the item. */
    boolean extend(ClaimedItem item, Duration lease);

    /** Hands a claimed item back, claimable at once and not counted as an attempt; false if no longer held. */
    boolean release(ClaimedItem item);

    /**
     * Counts a failed run: with {@code retryAt} the item is claimable again then, without it it moves to the
     * dead letters with this error. False if this claim no longer holds the item.
     */
    boolean fail(ClaimedItem item, String errorType, String message, Instant retryAt);

    /** Items waiting to be claimed: not claimed, waiting for a retry, or whose lease ended. */
    long depth(String queue);

    /** Items claimed under a lease that has not ended. */
    long inFlight(String queue);

    /** Items that failed and wait for their retry time. */
    long retrying(String queue);

    /** How long the oldest stored item of the queue has been there; zero when there is none. */
    Duration oldestAge(String queue);

    /** How many dead letters the queue has. */
    long deadLetterCount(String queue);

    /** Up to {@code limit} dead letters of the queue, the oldest item first. */
    List<StoredDeadLetter> deadLetters(String queue, int limit);

    /**
     * Puts up to {@code max} dead letters of the queue back, oldest first, each claimable at once in its old place
     * in put order with its attempts counted from 0 again; a letter whose idempotency key is stored in the queue
     * again stays a dead letter.
     *
     * @return how many went back
     */
    int requeueDeadLetters(String queue, int max);

    /** Deletes every dead letter of the queue; returns how many. */
    int deleteDeadLetters(String queue);

    /**
     * Calls {@code listener} whenever items may have become claimable in {@code queue} sooner than a poll would
     * find them: after a put through this store commits, or when another instance says so (a database
     * notification). The listener must return quickly and may be called on any thread. The default tells
     * nothing: workers then find new items by polling.
     *
     * @return what ends the subscription
     */
    default AutoCloseable subscribe(String queue, Runnable listener) {
        return () -> { };
    }

    /**
     * Runs {@code work} in one transaction of the store, which {@link #complete} and {@link #fail} called inside
     * it join, committing if it returns and rolling back if it throws: what a transactional run uses so that an
     * item's removal commits with the run's own writes. Stores without transactions refuse.
     *
     * @throws UnsupportedOperationException if the store has no transactions to offer
     */
    default <R> R inTransaction(Callable<R> work) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " runs nothing in a transaction: a "
                + "transactional run needs a store on a database (JdbcQueueStore)");
    }
}
