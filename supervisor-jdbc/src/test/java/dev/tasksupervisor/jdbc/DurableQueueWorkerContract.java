package dev.tasksupervisor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.store.ClaimedItem;
import dev.tasksupervisor.store.PayloadCodec;
import dev.tasksupervisor.store.QueueStore;
import dev.tasksupervisor.worker.DeadLetter;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.RetryPolicy;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * What a {@link DurableQueueWorker} promises on a real database: items run once each in put order and leave the
 * store, failures are retried through the store and end in its dead letters, a stop hands claimed items back at
 * once, instances on one store share the items, leases are extended while a run goes on and taken over when an
 * instance stops extending them, puts and runs join transactions.
 *
 * <p>Why one long class: it is one contract, run whole on each database by a subclass; its last part is the store
 * wrapper the lease tests freeze.
 */
abstract class DurableQueueWorkerContract {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Items as JSON numbers: {@code 7} is stored as {@code {"n":7}}. */
    static final PayloadCodec<Integer> NUMBERS = new PayloadCodec<>() {
        @Override
        public String write(Integer item) {
            if (item < 0) {
                throw new IllegalStateException("negative numbers cannot be written");
            }
            return "{\"n\":" + item + "}";
        }

        @Override
        public Integer read(String payload) {
            if (!payload.startsWith("{\"n\":")) {
                throw new IllegalStateException("not a number item: " + payload);
            }
            return Integer.valueOf(payload.substring(5, payload.length() - 1));
        }
    };

    JdbcQueueStore store;
    String queue;
    private final List<TaskSupervisor> supervisors = new ArrayList<>();

    /** The database under test; may skip the test (a JUnit assumption) when it has none. */
    protected abstract DataSource dataSource();

    @BeforeEach
    void newStoreAndQueue(TestInfo test) {
        store = new JdbcQueueStore(dataSource());
        store.initializeSchema();
        queue = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stopSupervisors() {
        for (TaskSupervisor supervisor : supervisors) {
            supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
        }
    }

    /** A started supervisor standing for one instance of the application. */
    TaskSupervisor instance() {
        TaskSupervisor supervisor = new TaskSupervisor("durable-" + UUID.randomUUID().toString().substring(0, 8));
        supervisor.start();
        supervisors.add(supervisor);
        return supervisor;
    }

    DurableQueueWorker<Integer> worker(TaskSupervisor supervisor, QueueStore on, WorkerTarget<Integer> target) {
        DurableQueueWorker<Integer> worker = new DurableQueueWorker<>(supervisor, queue, target, on, NUMBERS);
        worker.setPollDelay(Duration.ofMillis(50));
        return worker;
    }

    @Test
    void itemsRunOnceEachInPutOrderAndLeaveTheStore() throws InterruptedException {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(ran::add));
        worker.start();
        for (int i = 0; i < 50; i++) {
            worker.put(i);
        }

        assertThat(worker.awaitIdle(PATIENCE)).isTrue();
        assertThat(ran).as("one instance runs its claims in put order").containsExactlyElementsOf(range(50));
        assertThat(store.depth(queue)).isZero();
        assertThat(store.inFlight(queue)).isZero();
        assertThat(worker.getRuns()).isEqualTo(50);
        assertThat(worker.getQueueSize()).isZero();
    }

    @Test
    void quickRunsOfAClaimLeaveTheStoreTogetherInFewerStoreCallsThanItems() throws InterruptedException {
        FreezableStore counting = new FreezableStore(store);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> worker = worker(instance(), counting, WorkerTarget.of(ran::add));
        for (int i = 0; i < 50; i++) {
            worker.put(i);
        }

        worker.start();

        assertThat(worker.awaitIdle(PATIENCE)).isTrue();
        assertThat(ran).containsExactlyElementsOf(range(50));
        assertThat(store.depth(queue) + store.inFlight(queue)).isZero();
        assertThat(counting.completions).as("store calls that removed the 50 items (claims of 10)").hasValueLessThan(50);
    }

    @Test
    void aSlowRunsItemLeavesTheStoreBeforeTheNextRunStarts() throws InterruptedException {
        CountDownLatch secondRunning = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> {
            if (item == 1) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // the slow run's work
            } else {
                secondRunning.countDown();
                finish.await();
            }
        }));
        worker.put(1);
        worker.put(2);

        worker.start();

        assertThat(secondRunning.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(store.depth(queue) + store.inFlight(queue)).as("only the running item is stored").isEqualTo(1);
        finish.countDown();
        assertThat(worker.awaitIdle(PATIENCE)).isTrue();
        assertThat(store.depth(queue) + store.inFlight(queue)).isZero();
    }

    @Test
    void anItemPutWhileTheWorkerIsStoppedWaitsInTheStoreAndRunsAtTheStart() throws InterruptedException {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(ran::add));
        worker.put(1);
        worker.put(2);
        assertThat(worker.getQueueSize()).isEqualTo(2);

        worker.start();

        assertThat(worker.awaitIdle(PATIENCE)).isTrue();
        assertThat(ran).containsExactly(1, 2);
    }

    @Test
    void aPutIsSeenAtOnceByTheWorkerOnTheSameStoreWithoutWaitingForAPoll() {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(ran::add));
        worker.setPollDelay(Duration.ofHours(1)); // only the put's notice can wake it within the test
        worker.start();
        await().atMost(PATIENCE).until(() -> worker.getQueueSize() == 0 && !worker.isRunning());

        worker.put(7);

        await().atMost(PATIENCE).until(() -> ran.contains(7));
    }

    @Test
    void anIdempotencyKeyAlreadyStoredMakesAPutDoNothing() {
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> { }));
        assertThat(worker.put(1, "order-1")).isTrue();
        assertThat(worker.put(2, "order-1")).isFalse();
        assertThat(store.depth(queue)).isEqualTo(1);
        assertThatIllegalArgumentException().isThrownBy(() -> worker.put(3, " "))
                .withMessageContaining("idempotency key");
    }

    @Test
    void anItemItsCodecCannotWriteFailsAtThePutAndNothingIsStored() {
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> { }));

        assertThatIllegalArgumentException().isThrownBy(() -> worker.put(-1))
                .withMessageContaining("cannot store item -1")
                .withMessageContaining("negative numbers cannot be written");
        assertThat(store.depth(queue)).isZero();
    }

    @Test
    void aFailedItemIsRetriedThroughTheStoreAndThenMovedToTheDeadLettersWithItsLastError() throws Exception {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> {
            int attempt = runs.computeIfAbsent(item, n -> new AtomicInteger()).incrementAndGet();
            if (item == 13 && attempt > 0) { // set below 0: the cause is fixed
                throw new IllegalStateException("unlucky, attempt " + attempt);
            }
        }));
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(2).delay(Duration.ofMillis(20)).build());
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        worker.put(12);
        worker.put(13);
        worker.put(14);

        await().atMost(PATIENCE).until(() -> store.deadLetterCount(queue) == 1);
        assertThat(runs.get(13)).hasValue(3);
        assertThat(runs.get(12)).hasValue(1);
        assertThat(runs.get(14)).hasValue(1);
        assertThat(worker.getRetryCount()).isEqualTo(2);
        assertThat(worker.getDeadLetterCount()).isEqualTo(1);
        assertThat(worker.getDeadLettersKeptCount()).isEqualTo(1);
        List<DeadLetter<Integer>> letters = worker.getDeadLetters();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.item()).isEqualTo(13);
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.error()).hasMessage(IllegalStateException.class.getName() + ": unlucky, attempt 3");
        });
        assertThat(store.depth(queue)).isZero();
        assertThatThrownBy(worker::takeDeadLetters).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("stay in its store");

        // Once the cause is fixed, the letter goes back, in its place, with a fresh count of attempts.
        runs.get(13).set(-100);
        assertThat(worker.requeueDeadLetters(100)).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> runs.get(13).get() == -99 && store.depth(queue) == 0
                && store.inFlight(queue) == 0);
        assertThat(store.deadLetterCount(queue)).isZero();
    }

    @Test
    void deadLettersCanBeDeletedAndOneWhoseKeyIsStoredAgainStaysADeadLetterWhenRequeued() {
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> {
            throw new IllegalStateException("always");
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        worker.put(1, "key-1");
        worker.put(2);
        await().atMost(PATIENCE).until(() -> store.deadLetterCount(queue) == 2);
        worker.pause();
        assertThat(worker.put(3, "key-1")).as("the key is free once its item is a dead letter").isTrue();

        assertThat(worker.requeueDeadLetters(10)).as("item 1's key is taken by item 3").isEqualTo(1);
        assertThat(store.deadLetters(queue, 10)).singleElement().satisfies(letter ->
                assertThat(letter.idempotencyKey()).isEqualTo("key-1"));
        assertThat(worker.deleteDeadLetters()).isEqualTo(1);
        assertThat(store.deadLetterCount(queue)).isZero();
        assertThat(store.depth(queue)).isEqualTo(2);
    }

    @Test
    void anItemItsCodecCannotReadMovesToTheDeadLettersWithoutARun() {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(ran::add));
        store.put(queue, "{\"not\":\"a number\"}", null);
        worker.put(5);
        worker.start();

        await().atMost(PATIENCE).until(() -> ran.contains(5) && store.deadLetterCount(queue) == 1);
        assertThat(ran).containsExactly(5);
        assertThat(store.deadLetters(queue, 10)).singleElement()
                .satisfies(letter -> assertThat(letter.errorMessage()).contains("not a number item"));
    }

    @Test
    void aGracefulStopLetsTheRunFinishAndHandsTheClaimedItemsBackAtOnceForAnotherInstance() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        List<Integer> ranHere = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> first = worker(instance(), store, WorkerTarget.of(item -> {
            running.countDown();
            finish.await();
            ranHere.add(item);
        }));
        first.setLease(Duration.ofMinutes(10)); // released at once, or the second instance would wait this long
        for (int i = 0; i < 5; i++) {
            first.put(i);
        }
        first.start();
        assertThat(running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(store.inFlight(queue)).as("one claim took all five").isEqualTo(5);

        Thread stopper = new Thread(() -> first.stop(Duration.ofSeconds(20)));
        stopper.start();
        await().atMost(PATIENCE).until(() -> first.getState() != dev.tasksupervisor.worker.WorkerState.ACTIVE);
        finish.countDown();
        stopper.join(PATIENCE.toMillis());

        assertThat(ranHere).containsExactly(0);
        assertThat(store.inFlight(queue)).isZero();
        assertThat(store.depth(queue)).isEqualTo(4);

        List<Integer> ranThere = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> second = worker(instance(), store, WorkerTarget.of(ranThere::add));
        second.start();
        assertThat(second.awaitIdle(PATIENCE)).isTrue();
        assertThat(ranThere).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aForcedStopHandsTheInterruptedItemBackToo() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> {
            running.countDown();
            new CountDownLatch(1).await(); // until interrupted
        }));
        worker.setLease(Duration.ofMinutes(10));
        worker.put(1);
        worker.put(2);
        worker.start();
        assertThat(running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        StopReport report = worker.forceStop();

        assertThat(report.undelivered(queue)).isEmpty();
        await().atMost(PATIENCE).until(() -> store.inFlight(queue) == 0);
        assertThat(store.depth(queue)).isEqualTo(2);
        assertThat(worker.getFailures()).isZero();
    }

    @Test
    void instancesOnOneStoreShareTheItemsAndNoneRunsTwiceWhenNoneCrashes() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        WorkerTarget<Integer> target = WorkerTarget.of(item -> runs.computeIfAbsent(item, n -> new AtomicInteger())
                .incrementAndGet());
        List<DurableQueueWorker<Integer>> workers = List.of(worker(instance(), store, target),
                worker(instance(), new JdbcQueueStore(dataSource()), target),
                worker(instance(), new JdbcQueueStore(dataSource()), target));
        workers.forEach(worker -> {
            worker.setClaimSize(5);
            worker.start();
        });
        for (int i = 0; i < 600; i++) {
            workers.get(i % 3).put(i);
        }

        await().atMost(PATIENCE).until(() -> runs.size() == 600 && store.depth(queue) == 0
                && store.inFlight(queue) == 0);
        assertThat(runs.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(workers).allSatisfy(worker -> assertThat(worker.getRuns()).isPositive());
    }

    @Test
    void aLongRunKeepsItsItemByExtendingTheLease() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> {
            running.countDown();
            finish.await();
            ran.incrementAndGet();
        }));
        worker.setLease(Duration.ofMillis(300));
        worker.put(1);
        worker.start();
        assertThat(running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // Five leases long, nobody else can claim it: each extension came before the lease ended.
        List<ClaimedItem> stolen = Collections.synchronizedList(new ArrayList<>());
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                .until(() -> !stolen.addAll(store.claim(queue, 1, Duration.ofMinutes(10), "another instance")));
        assertThat(stolen).as("claimed by another instance while the run went on").isEmpty();
        finish.countDown();

        await().atMost(PATIENCE).until(() -> store.depth(queue) == 0 && store.inFlight(queue) == 0);
        assertThat(ran).hasValue(1);
    }

    @Test
    void anItemWhoseLeaseWasNotExtendedIsTakenOverByAnotherInstanceAndTheFirstCannotRemoveIt() throws Exception {
        FreezableStore frozen = new FreezableStore(store);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger ranFirst = new AtomicInteger();
        DurableQueueWorker<Integer> first = worker(instance(), frozen, WorkerTarget.of(item -> {
            running.countDown();
            finish.await();
            ranFirst.incrementAndGet();
        }));
        first.setLease(Duration.ofMillis(300));
        first.put(1);
        first.start();
        assertThat(running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        frozen.extensions.set(false); // as if the first instance were frozen: its leases end

        AtomicInteger ranSecond = new AtomicInteger();
        DurableQueueWorker<Integer> second = worker(instance(), new JdbcQueueStore(dataSource()),
                WorkerTarget.of(item -> ranSecond.incrementAndGet()));
        second.start();
        await().atMost(PATIENCE).until(() -> ranSecond.get() == 1);
        await().atMost(PATIENCE).until(() -> store.depth(queue) == 0 && store.inFlight(queue) == 0);

        finish.countDown(); // the first one's run ends now: its completion must not remove anything any more
        await().atMost(PATIENCE).until(() -> ranFirst.get() == 1 && !first.isRunning());
        assertThat(ranSecond).hasValue(1);
        assertThat(store.depth(queue)).isZero();
    }

    @Test
    void aPutInATransactionThatRollsBackNeverRunsAndOneThatCommitsRunsAfterTheCommit() throws Exception {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(ran::add));
        worker.start();
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource()));

        transaction.executeWithoutResult(status -> {
            worker.put(1);
            status.setRollbackOnly();
        });
        AtomicBoolean ranBeforeCommit = new AtomicBoolean();
        transaction.executeWithoutResult(status -> {
            worker.put(2);
            try {
                ranBeforeCommit.set(!worker.awaitIdle(Duration.ofSeconds(5)) || !ran.isEmpty());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(PATIENCE).until(() -> ran.contains(2));
        assertThat(worker.awaitIdle(PATIENCE)).isTrue();
        assertThat(ranBeforeCommit).as("an uncommitted put is not claimable").isFalse();
        assertThat(ran).containsExactly(2);
    }

    @Test
    void aTransactionalRunCommitsItsWritesWithTheRemovalOrRollsBothBack() throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource());
        String table = "effect_" + UUID.randomUUID().toString().substring(0, 8).replace('-', '_');
        jdbc.execute("CREATE TABLE " + table + " (item INT NOT NULL)");
        try {
            AtomicInteger attempts = new AtomicInteger();
            DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> {
                jdbc.update("INSERT INTO " + table + " (item) VALUES (?)", item);
                if (item == 2 && attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("the first run of item 2 fails after its write");
                }
            }));
            worker.setTransactional(true);
            worker.setRetryPolicy(RetryPolicy.builder().maxRetries(1).delay(Duration.ofMillis(10)).build());
            worker.setErrorHandler((w, error) -> { });
            worker.start();
            worker.put(1);
            worker.put(2);

            await().atMost(PATIENCE).until(() -> store.depth(queue) == 0 && store.inFlight(queue) == 0
                    && attempts.get() == 2);
            assertThat(jdbc.queryForList("SELECT item FROM " + table + " ORDER BY item", Integer.class))
                    .as("the failed run's write was rolled back; each item took effect once").containsExactly(1, 2);
        } finally {
            jdbc.execute("DROP TABLE " + table);
        }
    }

    @Test
    void aPausedWorkerClaimsNothingUntilResumed() throws InterruptedException {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(ran::add));
        worker.start();
        worker.pause();
        worker.put(1);

        assertThat(worker.awaitIdle(Duration.ofMillis(500))).as("a paused worker holding items is not idle").isFalse();
        assertThat(ran).isEmpty();
        assertThat(store.depth(queue)).isEqualTo(1);
        worker.resume();

        assertThat(worker.awaitIdle(PATIENCE)).isTrue();
        assertThat(ran).containsExactly(1);
    }

    @Test
    void badSettingsAreRefusedWithWhatToSet() {
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(item -> { }));
        assertThatThrownBy(() -> worker.setLease(Duration.ofMillis(5))).hasMessageContaining("lease")
                .hasMessageContaining("at least PT0.1S");
        assertThatThrownBy(() -> worker.setClaimSize(0)).hasMessageContaining("between 1 and 1000");
        assertThatThrownBy(() -> worker.setComparator(Integer::compare)).hasMessageContaining("put order");
        assertThatThrownBy(() -> worker.setCapacity(10)).hasMessageContaining("no capacity");
        assertThatThrownBy(() -> new DurableQueueWorker<Integer>(instance(), "async",
                WorkerTarget.<Integer>async((item, context) -> java.util.concurrent.CompletableFuture.completedFuture(null)), store, NUMBERS))
                .hasMessageContaining("sync target");
    }

    private static List<Integer> range(int n) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    /** A store whose lease extensions can be switched off, as if its instance were frozen. */
    static final class FreezableStore implements QueueStore {
        final AtomicBoolean extensions = new AtomicBoolean(true);
        /** Calls that delete items whose runs succeeded: {@link #complete} and {@link #completeAll}. */
        final AtomicInteger completions = new AtomicInteger();
        private final QueueStore store;

        FreezableStore(QueueStore store) {
            this.store = store;
        }

        @Override
        public java.util.OptionalLong put(String queue, String payload, String idempotencyKey) {
            return store.put(queue, payload, idempotencyKey);
        }

        @Override
        public List<ClaimedItem> claim(String queue, int max, Duration lease, String owner) {
            return store.claim(queue, max, lease, owner);
        }

        @Override
        public boolean complete(ClaimedItem item) {
            completions.incrementAndGet();
            return store.complete(item);
        }

        @Override
        public List<ClaimedItem> completeAll(List<ClaimedItem> items) {
            if (!items.isEmpty()) {
                completions.incrementAndGet();
            }
            return store.completeAll(items);
        }

        @Override
        public boolean extend(ClaimedItem item, Duration lease) {
            return extensions.get() && store.extend(item, lease);
        }

        @Override
        public boolean release(ClaimedItem item) {
            return store.release(item);
        }

        @Override
        public boolean fail(ClaimedItem item, String errorType, String message, java.time.Instant retryAt) {
            return store.fail(item, errorType, message, retryAt);
        }

        @Override
        public long depth(String queue) {
            return store.depth(queue);
        }

        @Override
        public long inFlight(String queue) {
            return store.inFlight(queue);
        }

        @Override
        public long retrying(String queue) {
            return store.retrying(queue);
        }

        @Override
        public Duration oldestAge(String queue) {
            return store.oldestAge(queue);
        }

        @Override
        public long deadLetterCount(String queue) {
            return store.deadLetterCount(queue);
        }

        @Override
        public List<dev.tasksupervisor.store.StoredDeadLetter> deadLetters(String queue, int limit) {
            return store.deadLetters(queue, limit);
        }

        @Override
        public int requeueDeadLetters(String queue, int max) {
            return store.requeueDeadLetters(queue, max);
        }

        @Override
        public int deleteDeadLetters(String queue) {
            return store.deleteDeadLetters(queue);
        }
    }
}
