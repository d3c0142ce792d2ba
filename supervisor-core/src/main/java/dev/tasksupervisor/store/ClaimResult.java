package dev.tasksupervisor.store;

import java.util.List;

/**
 * What a {@link QueueStore#claim(String, int, java.time.Duration, String, List) claim that also completes} did: the
 * items it claimed, in put order, and those of the items to complete that it did not delete because their claim no
 * longer held them.
 *
 * @param claimed the new claim's items, in put order; empty when none was claimable
 * @param notCompleted the items given to complete that were not deleted, in the order given
 */
public record ClaimResult(List<ClaimedItem> claimed, List<ClaimedItem> notCompleted) {

    public ClaimResult {
        claimed = List.copyOf(claimed);
        notCompleted = List.copyOf(notCompleted);
    }
}
