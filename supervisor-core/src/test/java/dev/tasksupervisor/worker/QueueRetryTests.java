package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;

import dev.tasksupervisor.testsupport.LogCapture;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

/** Failed queue items: retried by the policy, else dead letters; never dropped, not even by a stop. */
class QueueRetryTests extends WorkerTestSupport {

    private static final RetryPolicy QUICK = RetryPolicy.builder().maxRetries(3).delay(Duration.ofMillis(5))
            .maxDelay(Duration.ofMillis(20)).build();

    /** The finding: every 10th item's run throws; 1,000 items were lost, none handed back. */
    @Test
    void everyFailedItemIsADeadLetterWithItsErrorWhenNothingRetries() {
        Set<Object> handledByErrorHandler = ConcurrentHashMap.newKeySet();
        AtomicInteger handled = new AtomicInteger();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "tenth", WorkerTarget.of(item -> {
            if (item % 10 == 0) {
                throw new IllegalStateException("refused " + item);
            }
            handled.incrementAndGet();
        }));
        worker.setErrorHandler(new WorkerErrorHandler() {
            @Override
            public void handle(BackgroundWorker w, Throwable error) {
            }

            @Override
            public void handle(BackgroundWorker w, Object input, Throwable error) {
                handledByErrorHandler.add(input);
            }
        });
        try (LogCapture logs = LogCapture.of(QueueWorker.class)) {
            worker.start();
            for (int i = 0; i < 10_000; i++) {
                worker.put(i);
            }
            worker.stop();
            assertThat(logs.messages(Level.WARN)).hasSize(1_000).contains("Worker 'tenth' gave up on item 10 after 1 "
                    + "attempt(s), the last failing with java.lang.IllegalStateException: refused 10: kept in its dead "
                    + "letters until the application takes them (takeDeadLetters(), or a DeadLetterHandler)");
        }
        assertThat(handled).hasValue(9_000);
        assertThat(handledByErrorHandler).hasSize(1_000).contains(0, 10, 9_990);
        List<DeadLetter<Integer>> letters = worker.getDeadLetters();
        assertThat(letters).hasSize(1_000);
        assertThat(letters).extracting(DeadLetter::item).allMatch(item -> item % 10 == 0).doesNotHaveDuplicates();
        DeadLetter<Integer> first = letters.get(0);
        assertThat(first.worker()).isEqualTo("tenth");
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.error()).hasMessage("refused " + first.item());
        assertThat(worker.getDeadLetterCount()).isEqualTo(1_000);
        assertThat(handled.get() + letters.size()).isEqualTo(10_000);

        assertThat(worker.takeDeadLetters()).hasSize(1_000);
        assertThat(worker.getDeadLetters()).isEmpty();
        assertThat(worker.getDeadLettersKeptCount()).isZero();
        assertThat(worker.getDeadLetterCount()).isEqualTo(1_000); // the total stays
    }

    @Test
    void anItemThatFailsTwiceRunsAThirdTimeAndCountsItsRetries() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<Integer> handled = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "flaky", WorkerTarget.of(item -> {
            if (runs.computeIfAbsent(item, i -> new AtomicInteger()).incrementAndGet() <= 2) {
                throw new UncheckedIOException(new IOException("connection reset"));
            }
            handled.add(item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(QUICK);
        worker.start();
        for (int i = 0; i < 100; i++) {
            worker.put(i);
        }
        await().until(() -> handled.size() == 100);
        assertThat(runs.values()).allMatch(count -> count.get() == 3);
        assertThat(worker.getRetryCount()).isEqualTo(200);
        assertThat(worker.info().retries()).isEqualTo(200);
        assertThat(worker.getDeadLetters()).isEmpty();
        assertThat(worker.info().failures()).isEqualTo(200);
        worker.stop();
    }

    @Test
    void anItemWaitingForItsRetryHoldsUpNoItemBehindIt() {
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger firstRuns = new AtomicInteger();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "behind", WorkerTarget.of(item -> {
            if (item.equals("first") && firstRuns.incrementAndGet() == 1) {
                throw new IllegalStateException("not yet");
            }
            handled.add(item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(1).delay(Duration.ofHours(1)).maxDelay(Duration.ofHours(1))
                .build());
        List<String> handedBack = new CopyOnWriteArrayList<>();
        worker.setUndeliveredHandler(handedBack::addAll);
        worker.start();
        worker.put("first");
        worker.put("second");
        worker.put("third");
        await().until(() -> handled.size() == 2);
        assertThat(handled).containsExactly("second", "third");
        assertThat(worker.getRetryingCount()).isEqualTo(1);
        assertThat(worker.info().retrying()).isEqualTo(1);
        assertThat(worker.getQueueSize()).isZero();

        // A graceful stop does not wait out the hour: it runs the item now, and it succeeds.
        worker.stop();
        assertThat(handled).containsExactly("second", "third", "first");
        assertThat(worker.getRetryingCount()).isZero();
        assertThat(handedBack).isEmpty();
    }

    @Test
    void anItemWhoseRetriesAreUsedUpGoesToTheDeadLettersWithItsAttempts() {
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "hopeless", WorkerTarget.of(item -> {
            throw new IllegalStateException("no " + item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(QUICK);
        worker.start();
        worker.put("x");
        await().until(() -> worker.getDeadLetterCount() == 1);
        DeadLetter<String> letter = worker.getDeadLetters().get(0);
        assertThat(letter.item()).isEqualTo("x");
        assertThat(letter.attempts()).isEqualTo(4);
        assertThat(letter.error()).hasMessage("no x");
        assertThat(worker.info().runs()).isEqualTo(4);
        assertThat(worker.getRetryCount()).isEqualTo(3);
        assertThat(worker.info().deadLetters()).isEqualTo(1);
        assertThat(worker.info().deadLettersKept()).isEqualTo(1);
        worker.stop();
    }

    @Test
    void onlyTheFailuresThePolicyNamesAreRetried() {
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "picky", WorkerTarget.of(item -> {
            if (item.equals("io")) {
                throw new IllegalStateException("wrapped", new IOException("disk"));
            }
            throw new IllegalArgumentException("bad item " + item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(2).delay(Duration.ZERO).includes(IOException.class).build());
        worker.start();
        worker.put("io");
        worker.put("bad");
        await().until(() -> worker.getDeadLetterCount() == 2);
        assertThat(worker.getDeadLetters()).extracting(DeadLetter::item, DeadLetter::attempts)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("io", 3),
                        org.assertj.core.groups.Tuple.tuple("bad", 1));
        worker.stop();
    }

    @Test
    void excludedFailuresAreNeverRetried() {
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "excluding", WorkerTarget.of(item -> {
            throw new IllegalArgumentException("bad item " + item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(5).delay(Duration.ZERO)
                .excludes(IllegalArgumentException.class).build());
        worker.start();
        worker.put("y");
        await().until(() -> worker.getDeadLetterCount() == 1);
        assertThat(worker.getDeadLetters().get(0).attempts()).isEqualTo(1);
        assertThat(worker.getRetryCount()).isZero();
        worker.stop();
    }

    @Test
    void aDeadLetterHandlerTakesTheLettersAndOneThatFailsLosesNone() {
        List<DeadLetter<String>> received = new CopyOnWriteArrayList<>();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "handled", WorkerTarget.of(item -> {
            throw new IllegalStateException("no " + item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setDeadLetterHandler(letter -> {
            if (letter.item().equals("poison")) {
                throw new IOException("dead-letter store down");
            }
            received.add(letter);
        });
        try (LogCapture logs = LogCapture.of(QueueWorker.class)) {
            worker.start();
            worker.put("a");
            worker.put("poison");
            await().until(() -> worker.getDeadLetterCount() == 2);
            assertThat(logs.messages(Level.ERROR)).containsExactly("The dead-letter handler of worker 'handled' failed on "
                    + "item poison: the letter is kept; take it with takeDeadLetters()");
        }
        assertThat(received).extracting(DeadLetter::item).containsExactly("a");
        assertThat(worker.getDeadLetters()).extracting(DeadLetter::item).containsExactly("poison");
        worker.stop();
    }

    @Test
    void pastItsCapacityTheOldestLetterIsLetGoWithItsItemLogged() {
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "bounded", WorkerTarget.of(item -> {
            throw new IllegalStateException("no " + item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setDeadLetterCapacity(2);
        try (LogCapture logs = LogCapture.of(QueueWorker.class)) {
            worker.start();
            worker.put("one");
            worker.put("two");
            worker.put("three");
            await().until(() -> worker.getDeadLetterCount() == 3);
            assertThat(logs.messages(Level.ERROR)).containsExactly("Worker 'bounded' keeps at most 2 dead letters: lets go "
                    + "of the oldest, item one (failed with java.lang.IllegalStateException: no one); take them with "
                    + "takeDeadLetters(), set a DeadLetterHandler, or raise the dead-letter capacity");
        }
        assertThat(worker.getDeadLetters()).extracting(DeadLetter::item).containsExactly("two", "three");
        assertThat(worker.getDeadLettersKeptCount()).isEqualTo(2);
        worker.stop();
    }

    @Test
    void aTimedStopHandsBackTheItemsWaitingForARetry() {
        AtomicInteger handled = new AtomicInteger();
        Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
        CountDownLatch never = new CountDownLatch(1);
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "waiting", WorkerTarget.of(item -> {
            if (item % 2 == 0) {
                // The stop queues the waiting items at once, and its drain may take one before the stop's time is
                // up: that second attempt holds on until the forced stop interrupts it, so the others stay queued.
                if (attempts.computeIfAbsent(item, i -> new AtomicInteger()).incrementAndGet() > 1) {
                    never.await();
                }
                throw new IllegalStateException("even");
            }
            handled.incrementAndGet();
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(1).delay(Duration.ofHours(1)).maxDelay(Duration.ofHours(1))
                .build());
        worker.start();
        for (int i = 0; i < 10; i++) {
            worker.put(i);
        }
        await().until(() -> worker.getRetryingCount() == 5);
        // Stopped with no time to drain: the five waiting come back rather than run.
        List<?> handedBack = worker.stop(Duration.ZERO).undelivered(worker.getName());
        int deadLetters = worker.getDeadLetters().size();
        assertThat(handled.get() + handedBack.size() + deadLetters).isEqualTo(10);
        assertThat(handedBack).hasSizeGreaterThanOrEqualTo(4).allMatch(item -> (Integer) item % 2 == 0);
        assertThat(worker.getRetryingCount()).isZero();
    }

    @Test
    void aFailedBatchIsRetriedItemByItem() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<Integer> handled = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = QueueWorker.batched(supervisor, "batches", 4, WorkerTarget.of((List<Integer> batch) -> {
            boolean fresh = false;
            for (Integer item : batch) {
                fresh |= runs.computeIfAbsent(item, i -> new AtomicInteger()).incrementAndGet() == 1;
            }
            if (fresh && batch.contains(2)) {
                throw new IllegalStateException("batch with 2");
            }
            handled.addAll(batch);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setPollDelay(Duration.ZERO);
        worker.setRetryPolicy(QUICK);
        worker.start();
        for (int i = 0; i < 8; i++) {
            worker.put(i);
        }
        await().until(() -> handled.size() == 8);
        assertThat(handled).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(worker.getDeadLetters()).isEmpty();
        worker.stop();
    }

    @Test
    void anAsyncQueueWorkerRetriesAFailedStage() {
        supervisor.createAloop("retries", true, true, true);
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "async-retry", WorkerTarget.async((item, ctx) -> {
            if (runs.computeIfAbsent(item, i -> new AtomicInteger()).incrementAndGet() == 1) {
                return CompletableFuture.failedFuture(new IOException("first time"));
            }
            handled.add(item);
            return CompletableFuture.completedFuture(null);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(QUICK);
        worker.start();
        worker.put("a");
        worker.put("b");
        await().until(() -> handled.size() == 2);
        assertThat(worker.getRetryCount()).isEqualTo(2);
        worker.stop();
    }

    @Test
    void retriedItemsTakeNoRoomInABoundedQueue() {
        AtomicInteger runsOfFirst = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "roomy", WorkerTarget.of(item -> {
            if (item.equals("first") && runsOfFirst.incrementAndGet() == 1) {
                throw new IllegalStateException("once");
            }
            handled.add(item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setCapacity(1);
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(1).delay(Duration.ofHours(1)).maxDelay(Duration.ofHours(1))
                .build());
        worker.start();
        worker.put("first");
        await().until(() -> worker.getRetryingCount() == 1);
        worker.put("second"); // the one place is free: the waiting retry does not hold it
        await().until(() -> handled.contains("second"));
        worker.stop();
        assertThat(handled).containsExactly("second", "first");
    }

    /** Found by review: a retried element reached the comparator of a priority queue, which threw. */
    @Test
    void aPriorityQueueOrdersRetriedItemsByTheirItems() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<Integer> handled = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "prioritised", WorkerTarget.of(item -> {
            if (runs.computeIfAbsent(item, i -> new AtomicInteger()).incrementAndGet() == 1 && item % 3 == 0) {
                throw new IllegalStateException("first run of " + item);
            }
            handled.add(item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setComparator(java.util.Comparator.naturalOrder());
        worker.setRetryPolicy(QUICK);
        worker.start();
        for (int i = 0; i < 300; i++) {
            worker.put(i);
        }
        await().until(() -> handled.size() == 300);
        assertThat(worker.getDeadLetters()).isEmpty();
        assertThat(worker.getRetryCount()).isEqualTo(100);
        worker.stop();
    }

    /**
     * Found by review: a batch's item retried after a forced stop had taken the queue (the owner was slow in
     * the dead-letter handler of the item before it) went into a queue nobody would drain again.
     */
    @Test
    void anItemRetriedAfterAForcedStopTookTheQueueIsHandedBack() throws Exception {
        java.util.concurrent.CountDownLatch inFirstRun = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch firstRun = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch inHandler = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch leaveHandler = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger batches = new AtomicInteger();
        QueueWorker<String> worker = QueueWorker.batched(supervisor, "slow-letters", 2, WorkerTarget.of((List<String> batch) -> {
            if (batches.incrementAndGet() == 1) {
                inFirstRun.countDown();
                firstRun.await();
            }
            throw new IllegalStateException("refused " + batch);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setPollDelay(Duration.ZERO);
        worker.setComparator(java.util.Comparator.naturalOrder()); // the retried "a" comes before "b"
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(1).delay(Duration.ZERO).build());
        List<String> handedBack = new CopyOnWriteArrayList<>();
        worker.setUndeliveredHandler(handedBack::addAll);
        worker.setDeadLetterHandler(letter -> {
            inHandler.countDown();
            boolean interrupted = false;
            while (true) { // a handler that takes its time, whatever interrupts it
                try {
                    leaveHandler.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        worker.put("a");         // the first batch, [a], waits in its run
        assertThat(inFirstRun.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        worker.put("b");
        firstRun.countDown();    // [a] fails: a is retried at once, behind b; then [a, b] fails
        assertThat(inHandler.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue(); // a, out of retries
        worker.stop(Duration.ZERO); // the owner is stuck in the handler: the stop takes the (empty) queue itself
        leaveHandler.countDown();   // b, with a retry left, comes after the surrender
        await().until(() -> handedBack.contains("b"));
        assertThat(batches).hasValue(2);
    }

    @Test
    void manyPuttersAndRandomFailuresLoseNothingThroughATimedStop() throws InterruptedException {
        int putters = 4;
        int perPutter = 5_000;
        AtomicInteger handled = new AtomicInteger();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "storm", WorkerTarget.of(item -> {
            if (java.util.concurrent.ThreadLocalRandom.current().nextInt(5) == 0) {
                throw new IllegalStateException("unlucky");
            }
            handled.incrementAndGet();
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(2).delay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5))
                .jitter(Duration.ofMillis(1)).build());
        List<Integer> handedBack = new CopyOnWriteArrayList<>();
        worker.setUndeliveredHandler(handedBack::addAll); // a drain may hand back after stop() returned
        worker.start();
        AtomicInteger accepted = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < putters; p++) {
            int base = p * perPutter;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perPutter; i++) {
                    if (worker.offer(base + i)) {
                        accepted.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        await().until(() -> handled.get() > 1_000);
        worker.stop(Duration.ofMillis(20));
        for (Thread thread : threads) {
            thread.join();
        }
        await().until(() -> handled.get() + handedBack.size() + worker.getDeadLetters().size() == accepted.get());
    }
}
