package dev.tasksupervisor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tasksupervisor.store.ClaimResult;
import dev.tasksupervisor.store.ClaimedItem;
import dev.tasksupervisor.store.StoredDeadLetter;

/**
 * What {@link JdbcQueueStore} promises, on whichever database a subclass gives. Each test works on a queue of its
 * own (a fresh name), so that tests sharing a database do not see each other's items.
 */
abstract class JdbcQueueStoreContract {

    static final Duration LONG_LEASE = Duration.ofMinutes(10);
    /** Short enough to end within a test, long enough that a claim made right after still sees it running. */
    static final Duration SHORT_LEASE = Duration.ofMillis(300);
    static final Duration PATIENCE = Duration.ofSeconds(20);

    JdbcQueueStore store;
    String queue;
    private ExecutorService claimers;

    /** The database under test; may skip the test (a JUnit assumption) when it has none. */
    protected abstract DataSource dataSource();

    @BeforeEach
    void newStoreAndQueue(TestInfo test) {
        store = new JdbcQueueStore(dataSource());
        store.initializeSchema();
        queue = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stopClaimers() {
        if (claimers != null) {
            claimers.shutdownNow();
        }
    }

    @Test
    void claimsComeInPutOrderAndEachItemOnce() {
        long first = put("{\"n\":1}");
        long second = put("{\"n\":2}");
        long third = put("{\"n\":3}");
        assertThat(first).isLessThan(second);
        assertThat(second).isLessThan(third);

        List<ClaimedItem> batch = store.claim(queue, 2, LONG_LEASE, "a");
        assertThat(batch).extracting(ClaimedItem::payloadJson).containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(batch).allSatisfy(item -> {
            assertThat(item.queue()).isEqualTo(queue);
            assertThat(item.owner()).isEqualTo("a");
            assertThat(item.claimNumber()).isEqualTo(1);
            assertThat(item.attempts()).isZero();
            assertThat(item.leaseUntil()).isAfter(item.enqueuedAt().plus(Duration.ofMinutes(9)));
        });
        assertThat(store.claim(queue, 10, LONG_LEASE, "b")).extracting(ClaimedItem::id).containsExactly(third);
        assertThat(store.claim(queue, 10, LONG_LEASE, "c")).isEmpty();
        assertThat(store.inFlight(queue)).isEqualTo(3);
        assertThat(store.depth(queue)).isZero();
    }

    @Test
    void queuesAreApart() {
        put("{\"queue\":\"this\"}");
        String other = queue + "-other";
        store.put(other, "{\"queue\":\"other\"}", null);

        assertThat(store.claim(queue, 10, LONG_LEASE, "a")).extracting(ClaimedItem::payloadJson)
                .containsExactly("{\"queue\":\"this\"}");
        assertThat(store.depth(other)).isEqualTo(1);
    }

    @Test
    void aPutWhoseKeyIsStoredDoesNothingUntilTheItemLeaves() {
        OptionalLong stored = store.put(queue, "{\"v\":\"first\"}", "order-42");
        assertThat(stored).isPresent();
        assertThat(store.put(queue, "{\"v\":\"second\"}", "order-42")).isEmpty();
        assertThat(store.put(queue + "-other", "{\"v\":\"elsewhere\"}", "order-42"))
                .as("a key is per queue").isPresent();
        assertThat(store.put(queue, "{\"v\":\"no key\"}", null)).isPresent();
        assertThat(store.put(queue, "{\"v\":\"no key either\"}", null)).isPresent();
        assertThat(store.depth(queue)).isEqualTo(3);

        List<ClaimedItem> claimed = store.claim(queue, 10, LONG_LEASE, "a");
        assertThat(claimed.get(0).payloadJson()).isEqualTo("{\"v\":\"first\"}");
        assertThat(claimed.get(0).idempotencyKey()).isEqualTo("order-42");
        assertThat(store.put(queue, "{\"v\":\"while claimed\"}", "order-42")).as("claimed is still stored").isEmpty();

        assertThat(store.complete(claimed.get(0))).isTrue();
        assertThat(store.put(queue, "{\"v\":\"after\"}", "order-42")).as("completed frees the key").isPresent();
    }

    @Test
    void concurrentClaimersNeverGetTheSameItemAndTogetherGetAll() throws Exception {
        int items = 2_000;
        int threads = 4;
        Set<Long> put = new HashSet<>();
        inTransaction().executeWithoutResult(status -> {
            for (int i = 0; i < items; i++) {
                put.add(store.put(queue, "{\"n\":" + i + "}", null).orElseThrow());
            }
        });
        claimers = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String owner = "claimer-" + t;
            Callable<List<Long>> claimUntilEmpty = () -> {
                List<Long> mine = new ArrayList<>();
                start.await();
                // Empty means nothing claimable is left that no other claim holds locked: those rows belong to
                // the claims in progress, whose claimers go on.
                for (List<ClaimedItem> batch = store.claim(queue, 7, LONG_LEASE, owner); !batch.isEmpty();
                        batch = store.claim(queue, 7, LONG_LEASE, owner)) {
                    batch.forEach(item -> mine.add(item.id()));
                }
                return mine;
            };
            results.add(claimers.submit(claimUntilEmpty));
        }
        start.countDown();

        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> result : results) {
            all.addAll(result.get(PATIENCE.toSeconds() * 3, TimeUnit.SECONDS));
        }
        assertThat(all).as("no item claimed twice").doesNotHaveDuplicates();
        assertThat(new HashSet<>(all)).as("every item claimed").isEqualTo(put);
        assertThat(store.inFlight(queue)).isEqualTo(items);
        assertThat(store.claim(queue, 10, LONG_LEASE, "late")).isEmpty();
    }

    @Test
    void anItemWhoseLeaseEndedIsClaimedByAnotherOwnerAndTheFirstCanNoLongerChangeIt() {
        put("{\"n\":1}");
        ClaimedItem first = only(store.claim(queue, 10, SHORT_LEASE, "a"));
        assertThat(store.claim(queue, 10, SHORT_LEASE, "b")).as("the lease is running").isEmpty();

        ClaimedItem second = await().atMost(PATIENCE).until(() -> store.claim(queue, 10, LONG_LEASE, "b"),
                claimed -> !claimed.isEmpty()).get(0);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.owner()).isEqualTo("b");
        assertThat(second.claimNumber()).isEqualTo(2);

        assertThat(store.complete(first)).isFalse();
        assertThat(store.extend(first, LONG_LEASE)).isFalse();
        assertThat(store.release(first)).isFalse();
        assertThat(store.fail(first, "java.lang.IllegalStateException", "late", null)).isFalse();
        assertThat(store.inFlight(queue)).as("still b's").isEqualTo(1);
        assertThat(store.deadLetterCount(queue)).isZero();

        assertThat(store.complete(second)).isTrue();
        assertThat(store.inFlight(queue)).isZero();
        assertThat(store.depth(queue)).isZero();
    }

    @Test
    void completeAllDeletesWhatItsClaimsHoldAndReturnsTheRestInOrder() {
        for (int i = 0; i < 4; i++) {
            put("{\"n\":" + i + "}");
        }
        List<ClaimedItem> claimed = store.claim(queue, 10, LONG_LEASE, "a");
        assertThat(claimed).hasSize(4);
        assertThat(store.complete(claimed.get(1))).isTrue();
        assertThat(store.release(claimed.get(3))).isTrue();

        assertThat(store.completeAll(claimed)).as("completed before, and released").containsExactly(claimed.get(1),
                claimed.get(3));
        assertThat(store.inFlight(queue)).isZero();
        assertThat(store.depth(queue)).as("the released one").isEqualTo(1);
        assertThat(store.completeAll(List.of())).isEmpty();
    }

    @Test
    void aClaimThatCompletesRemovesTheLastClaimsItemsAndTakesTheNextOnes() {
        for (int i = 0; i < 5; i++) {
            put("{\"n\":" + i + "}");
        }
        List<ClaimedItem> first = store.claim(queue, 3, LONG_LEASE, "a");
        assertThat(store.complete(first.get(2))).isTrue();

        ClaimResult next = store.claim(queue, 3, LONG_LEASE, "a", first);

        assertThat(next.notCompleted()).as("completed before").containsExactly(first.get(2));
        assertThat(next.claimed()).extracting(ClaimedItem::payloadJson).containsExactly("{\"n\":3}", "{\"n\":4}");
        assertThat(store.inFlight(queue)).as("only the new claim's").isEqualTo(2);
        assertThat(store.depth(queue)).isZero();
        ClaimResult last = store.claim(queue, 3, LONG_LEASE, "a", next.claimed());
        assertThat(last.claimed()).isEmpty();
        assertThat(last.notCompleted()).isEmpty();
        assertThat(store.inFlight(queue)).isZero();
    }

    @Test
    void aCompleteAllInATransactionThatRollsBackLeavesTheItemsClaimed() {
        put("{\"n\":1}");
        put("{\"n\":2}");
        List<ClaimedItem> claimed = store.claim(queue, 10, LONG_LEASE, "a");

        inTransaction().executeWithoutResult(status -> {
            assertThat(store.completeAll(claimed)).isEmpty();
            status.setRollbackOnly();
        });

        assertThat(store.inFlight(queue)).isEqualTo(2);
        assertThat(store.completeAll(claimed)).isEmpty();
        assertThat(store.inFlight(queue)).isZero();
    }

    @Test
    void anOwnerWhoseLeaseEndedButWasNotClaimedAgainStillCompletes() {
        put("{\"n\":1}");
        ClaimedItem item = only(store.claim(queue, 10, SHORT_LEASE, "a"));
        assertThat(store.depth(queue)).isZero();
        await().atMost(PATIENCE).until(() -> store.depth(queue) == 1);
        assertThat(store.inFlight(queue)).isZero();

        assertThat(store.complete(item)).isTrue();
        assertThat(store.depth(queue)).isZero();
        assertThat(store.claim(queue, 10, LONG_LEASE, "b")).isEmpty();
    }

    @Test
    void extendKeepsAnItemPastItsFirstLease() {
        long kept = put("{\"n\":1}");
        long control = put("{\"n\":2}");
        List<ClaimedItem> claimed = store.claim(queue, 10, SHORT_LEASE, "a");
        assertThat(claimed).extracting(ClaimedItem::id).containsExactly(kept, control);

        assertThat(store.extend(claimed.get(0), LONG_LEASE)).isTrue();

        // The control item was claimed with the same lease, so once b can claim it the first lease has ended.
        List<ClaimedItem> taken = await().atMost(PATIENCE).until(() -> store.claim(queue, 10, LONG_LEASE, "b"),
                batch -> !batch.isEmpty());
        assertThat(taken).extracting(ClaimedItem::id).containsExactly(control);
        assertThat(store.complete(claimed.get(0))).isTrue();
    }

    @Test
    void releaseMakesAnItemClaimableAtOnceWithoutCountingAnAttempt() {
        put("{\"n\":1}");
        ClaimedItem first = only(store.claim(queue, 10, LONG_LEASE, "a"));
        assertThat(store.claim(queue, 10, LONG_LEASE, "b")).isEmpty();

        assertThat(store.release(first)).isTrue();
        assertThat(store.depth(queue)).isEqualTo(1);
        assertThat(store.inFlight(queue)).isZero();

        ClaimedItem second = only(store.claim(queue, 10, LONG_LEASE, "b"));
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.attempts()).isZero();
        assertThat(second.claimNumber()).isEqualTo(2);
        assertThat(store.release(first)).as("released once, no longer a's").isFalse();
        assertThat(store.complete(first)).isFalse();
    }

    @Test
    void failWithRetryAtCountsTheAttemptAndWaitsUntilThenAndWithoutItMovesToTheDeadLettersWithTheLastError() {
        long later = put("{\"n\":1}");
        long soon = put("{\"n\":2}");
        List<ClaimedItem> claimed = store.claim(queue, 10, LONG_LEASE, "a");

        assertThat(store.fail(claimed.get(0), "java.io.IOException", "disk full", Instant.now().plus(Duration.ofHours(1))))
                .isTrue();
        assertThat(store.fail(claimed.get(1), "java.net.ConnectException", "refused",
                Instant.now().plus(Duration.ofMillis(200)))).isTrue();
        assertThat(store.inFlight(queue)).isZero();
        assertThat(store.depth(queue)).as("waiting for their retries").isEqualTo(2);
        assertThat(store.complete(claimed.get(1))).as("failed, no longer a's").isFalse();

        ClaimedItem retried = only(await().atMost(PATIENCE).until(() -> store.claim(queue, 10, LONG_LEASE, "b"),
                batch -> !batch.isEmpty()));
        assertThat(retried.id()).as("the one due in an hour stays").isEqualTo(soon);
        assertThat(retried.attempts()).isEqualTo(1);
        assertThat(retried.lastErrorType()).isEqualTo("java.net.ConnectException");
        assertThat(retried.lastErrorMessage()).isEqualTo("refused");

        assertThat(store.fail(retried, "java.lang.IllegalArgumentException", "bad item", null)).isTrue();
        assertThat(store.depth(queue)).isEqualTo(1);
        assertThat(store.deadLetterCount(queue)).isEqualTo(1);
        StoredDeadLetter dead = only(store.deadLetters(queue, 10));
        assertThat(dead.id()).isEqualTo(soon);
        assertThat(dead.queue()).isEqualTo(queue);
        assertThat(dead.payloadJson()).isEqualTo("{\"n\":2}");
        assertThat(dead.attempts()).isEqualTo(2);
        assertThat(dead.errorType()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(dead.errorMessage()).isEqualTo("bad item");
        assertThat(dead.failedAt()).isAfterOrEqualTo(dead.enqueuedAt());
        assertThat(store.claim(queue, 10, LONG_LEASE, "c")).as("neither is claimable now").isEmpty();
        assertThat(later).isNotEqualTo(soon);
    }

    @Test
    void failWithoutRetryAtMovesTheItemToTheDeadLettersAndFreesItsKey() {
        store.put(queue, "{\"n\":1}", "k-1");
        ClaimedItem item = only(store.claim(queue, 10, LONG_LEASE, "a"));
        String longMessage = "x".repeat(5_000);

        assertThat(store.fail(item, "java.lang.IllegalStateException", longMessage, null)).isTrue();
        assertThat(store.depth(queue)).isZero();
        assertThat(store.inFlight(queue)).isZero();
        assertThat(store.claim(queue, 10, LONG_LEASE, "b")).isEmpty();
        StoredDeadLetter dead = only(store.deadLetters(queue, 10));
        assertThat(dead.idempotencyKey()).isEqualTo("k-1");
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(dead.enqueuedAt()).isEqualTo(item.enqueuedAt());
        assertThat(dead.errorMessage()).hasSize(2_000);
        assertThat(store.fail(item, "java.lang.IllegalStateException", "again", null)).isFalse();
        assertThat(store.deadLetterCount(queue)).isEqualTo(1);
        assertThat(store.put(queue, "{\"n\":2}", "k-1")).isPresent();
    }

    @Test
    void deadLettersReadTheOldestFirstUpToTheLimit() {
        for (int i = 0; i < 3; i++) {
            put("{\"n\":" + i + "}");
        }
        for (ClaimedItem item : store.claim(queue, 10, LONG_LEASE, "a")) {
            store.fail(item, "E", item.payloadJson(), null);
        }
        assertThat(store.deadLetters(queue, 2)).extracting(StoredDeadLetter::errorMessage)
                .containsExactly("{\"n\":0}", "{\"n\":1}");
        assertThat(store.deadLetterCount(queue)).isEqualTo(3);
    }

    @Test
    void aPutInATransactionThatRollsBackIsNeverClaimable() {
        inTransaction().executeWithoutResult(status -> {
            assertThat(store.put(queue, "{\"n\":1}", null)).isPresent();
            assertThat(store.claim(queue, 10, LONG_LEASE, "a")).as("not committed yet").isEmpty();
            status.setRollbackOnly();
        });
        assertThat(store.claim(queue, 10, LONG_LEASE, "a")).isEmpty();
        assertThat(store.depth(queue)).isZero();
    }

    @Test
    void aPutInATransactionThatCommitsIsClaimableAfterTheCommit() {
        inTransaction().executeWithoutResult(status -> {
            assertThat(store.put(queue, "{\"n\":1}", "k")).isPresent();
            assertThat(store.put(queue, "{\"n\":2}", "k")).as("a stored key, in the same transaction").isEmpty();
            assertThat(store.claim(queue, 10, LONG_LEASE, "a")).as("not committed yet").isEmpty();
        });
        assertThat(store.claim(queue, 10, LONG_LEASE, "a")).extracting(ClaimedItem::payloadJson)
                .containsExactly("{\"n\":1}");
    }

    @Test
    void aCompleteInATransactionThatRollsBackLeavesTheItemClaimed() {
        put("{\"n\":1}");
        ClaimedItem item = only(store.claim(queue, 10, LONG_LEASE, "a"));
        inTransaction().executeWithoutResult(status -> {
            assertThat(store.complete(item)).isTrue();
            status.setRollbackOnly();
        });
        assertThat(store.inFlight(queue)).isEqualTo(1);
        assertThat(store.complete(item)).isTrue();
        assertThat(store.inFlight(queue)).isZero();
    }

    @Test
    void depthInFlightAndOldestAgeDescribeTheQueue() {
        assertThat(store.oldestAge(queue)).isEqualTo(Duration.ZERO);
        assertThat(store.depth(queue)).isZero();
        put("{\"n\":1}");
        put("{\"n\":2}");
        put("{\"n\":3}");
        store.claim(queue, 1, LONG_LEASE, "a");

        assertThat(store.depth(queue)).isEqualTo(2);
        assertThat(store.inFlight(queue)).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> store.oldestAge(queue).compareTo(Duration.ofMillis(50)) >= 0);
        assertThat(store.oldestAge(queue)).isLessThan(PATIENCE.plus(Duration.ofMinutes(1)));
    }

    @Test
    void initializingTheSchemaAgainKeepsWhatIsStored() {
        put("{\"n\":1}");
        store.initializeSchema();
        assertThat(store.depth(queue)).isEqualTo(1);
    }

    @Test
    void badInputIsRefusedWithWhatToDo() {
        assertThatIllegalArgumentException().isThrownBy(() -> store.put(null, "{}", null))
                .withMessageContaining("queue name must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> store.put(" ", "{}", null))
                .withMessageContaining("queue name must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> store.claim("", 1, LONG_LEASE, "a"))
                .withMessageContaining("queue name must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> store.depth(null))
                .withMessageContaining("queue name must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> store.put("q".repeat(201), "{}", null))
                .withMessageContaining("201 characters long; the store keeps at most 200");
        assertThatIllegalArgumentException().isThrownBy(() -> store.put(queue, " ", null))
                .withMessageContaining("must be JSON text");
        assertThatIllegalArgumentException().isThrownBy(() -> store.put(queue, "{}", ""))
                .withMessageContaining("idempotency key must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> store.claim(queue, 0, LONG_LEASE, "a"))
                .withMessageContaining("max (the most items to claim from queue '" + queue + "' at once)")
                .withMessageContaining("was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> store.claim(queue, 1_001, LONG_LEASE, "a"))
                .withMessageContaining("between 1 and 1000, was 1001");
        assertThatIllegalArgumentException().isThrownBy(() -> store.claim(queue, 1, Duration.ZERO, "a"))
                .withMessageContaining("lease must be at least 1 ms, was PT0S");
        assertThatIllegalArgumentException().isThrownBy(() -> store.claim(queue, 1, Duration.ofSeconds(-1), "a"))
                .withMessageContaining("lease must be at least 1 ms, was PT-1S");
        assertThatIllegalArgumentException().isThrownBy(() -> store.claim(queue, 1, null, "a"))
                .withMessageContaining("lease must be at least 1 ms, was null");
        assertThatIllegalArgumentException().isThrownBy(() -> store.claim(queue, 1, LONG_LEASE, " "))
                .withMessageContaining("owner must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> store.complete(null))
                .withMessageContaining("pass the ClaimedItem a claim returned");
        assertThatIllegalArgumentException().isThrownBy(() -> store.deadLetters(queue, 0))
                .withMessageContaining("between 1 and 1000, was 0");

        put("{}");
        ClaimedItem item = only(store.claim(queue, 1, LONG_LEASE, "a"));
        assertThatIllegalArgumentException().isThrownBy(() -> store.extend(item, Duration.ZERO))
                .withMessageContaining("lease must be at least 1 ms");
        assertThatIllegalArgumentException().isThrownBy(() -> store.fail(item, " ", "m", null))
                .withMessageContaining("error type of a failed run of item " + item.id());
        assertThat(store.inFlight(queue)).as("refused calls change nothing").isEqualTo(1);
    }

    long put(String payloadJson) {
        return store.put(queue, payloadJson, null).orElseThrow();
    }

    TransactionTemplate inTransaction() {
        return new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
    }

    static <T> T only(List<T> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }
}
