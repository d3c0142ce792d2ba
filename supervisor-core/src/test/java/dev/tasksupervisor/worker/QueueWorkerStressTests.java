package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.Contenders;
import dev.tasksupervisor.testsupport.ScaledTimeout;
import dev.tasksupervisor.testsupport.StressScale;
import dev.tasksupervisor.testsupport.SupervisorThreads;

/**
 * Four producers put 250,000 items each into one queue worker, which is then stopped with a short
 * timeout: every item accepted is either handled or handed back, never both, never neither; handled
 * items run in each producer's order, and the handed-back ones continue each producer's sequence where
 * the handled ones left off.
 */
@Tag("stress")
@ExtendWith(ScaledTimeout.class)
class QueueWorkerStressTests {

    private static final int PRODUCERS = 4;
    /** Item numbers: {@code producer * STRIDE + seq}. */
    private static final int STRIDE = Integer.MAX_VALUE / PRODUCERS;

    private final int perProducer = StressScale.scaled(250_000);
    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("queue-stress"));
    private final Contenders producers = Contenders.watching();

    /** Per producer: the sequence numbers of the items handled, in the order they ran. */
    private final List<SeqList> handledSeqs = List.of(new SeqList(), new SeqList(), new SeqList(), new SeqList());
    private final AtomicInteger inTarget = new AtomicInteger();
    private final AtomicInteger mostInTarget = new AtomicInteger();
    private final AtomicLong handled = new AtomicLong();
    /** Per producer: how many of its puts were accepted. */
    private final AtomicIntegerArray accepted = new AtomicIntegerArray(PRODUCERS);
    private final List<List<Integer>> handedToHandler = new CopyOnWriteArrayList<>();

    QueueWorkerStressTests() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
        supervisor.start();
    }

    @AfterEach
    void stopSupervisor() {
        producers.close();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(30)).withCancelTasks(true));
    }

    @Test
    void fourProducersThenAHurriedStopLoseNoItemAndKeepEachProducersOrder() throws Exception {
        QueueWorker<Integer> worker = worker("stress-queue", null);
        worker.start();

        produce(worker).join();
        List<Integer> returned = returned(worker.stop(Duration.ofMillis(10)), worker);

        assertEveryItemHandledOrReturned(worker, returned, PRODUCERS * perProducer, true);
    }

    @Test
    void aBacklogOfAMillionStoppedInAHurryIsPartlyHandledAndTheRestHandedBackInOrder() throws Exception {
        CountDownLatch backlogged = new CountDownLatch(1);
        QueueWorker<Integer> worker = worker("stress-backlog", backlogged);
        worker.start();

        produce(worker).join();
        backlogged.countDown(); // the first item's run held the drain until every item was queued
        List<Integer> returned = returned(worker.stop(Duration.ofMillis(20)), worker);

        assertEveryItemHandledOrReturned(worker, returned, PRODUCERS * perProducer, true);
        assertThat(handled.get()).as("handled").isPositive();
        assertThat(returned).as("handed back").isNotEmpty();
    }

    @Test
    void aStopWhileFourProducersPutRefusesLaterItemsClearlyAndLosesNone() throws Exception {
        QueueWorker<Integer> worker = worker("stress-racing", null);
        worker.start();
        List<String> refusals = new CopyOnWriteArrayList<>();

        AtomicInteger acceptedSoFar = new AtomicInteger();
        CountDownLatch halfway = new CountDownLatch(1);

        // Each producer puts until it is refused: the stop is sure to come while all of them put.
        Contenders running = producers.start(PRODUCERS, "producer", producer -> {
            for (int seq = 0; seq < STRIDE; seq++) {
                try {
                    worker.put(producer * STRIDE + seq);
                } catch (IllegalStateException refused) {
                    refusals.add(refused.getMessage());
                    return; // the worker stays stopped: every later put would be refused too
                }
                accepted.incrementAndGet(producer);
                if (acceptedSoFar.incrementAndGet() == PRODUCERS * perProducer / 2) {
                    halfway.countDown();
                }
            }
        });
        halfway.await();
        List<Integer> returned = returned(worker.stop(Duration.ofMillis(10)), worker);
        running.join();

        assertThat(refusals).as("refused puts, one per producer").hasSize(PRODUCERS)
                .allSatisfy(message -> assertThat(message).contains("'stress-racing'")
                        .containsAnyOf("accepts no items", "was not accepted"));
        // A put that began before the stop can add its item after the forced stop took the queue: a drain
        // still going hands it back after the others instead of running it, in a later call of the handler.
        assertEveryItemHandledOrReturned(worker, returned, totalAccepted(), false);
    }

    /**
     * A worker that records, per producer, the items it handles, and checks that runs never overlap;
     * with {@code hold}, its first run waits for that latch.
     */
    private QueueWorker<Integer> worker(String name, CountDownLatch hold) {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, name, WorkerTarget.of(item -> {
            mostInTarget.accumulateAndGet(inTarget.incrementAndGet(), Math::max);
            if (hold != null && handled.get() == 0) {
                hold.await();
            }
            handledSeqs.get(item / STRIDE).add(item % STRIDE);
            handled.incrementAndGet();
            inTarget.decrementAndGet();
        }));
        worker.setUndeliveredHandler(handedToHandler::add);
        return worker;
    }

    /** Starts the producers: each puts its {@code perProducer} items, in order. */
    private Contenders produce(QueueWorker<Integer> worker) {
        return producers.start(PRODUCERS, "producer", producer -> {
            for (int seq = 0; seq < perProducer; seq++) {
                worker.put(producer * STRIDE + seq);
                accepted.incrementAndGet(producer);
            }
        });
    }

    /** What the stop's report says {@code worker} handed back. */
    private static List<Integer> returned(StopReport report, QueueWorker<Integer> worker) {
        return report.undelivered(worker.getName()).stream().map(Integer.class::cast).toList();
    }

    private int totalAccepted() {
        int total = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            total += accepted.get(p);
        }
        return total;
    }

    /**
     * Checks that each producer's accepted items were handled or handed back, exactly once, both in the
     * producer's order, the handed-back ones continuing exactly where the handled ones left off; with
     * {@code noPutInFlight} (the stop came after the last put), also that they reached the handler in one
     * call, the list stop() returned.
     */
    private void assertEveryItemHandledOrReturned(QueueWorker<Integer> worker, List<Integer> returned, int total,
            boolean noPutInFlight) {
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        // A run interrupted by the forced stop may still be ending: the supervisor's stop waits for it.
        supervisor.stop();
        assertThat(producers.escaped()).as("exceptions from producers or pool threads").isEmpty();
        assertThat(mostInTarget.get()).as("runs at once").isEqualTo(1);
        if (noPutInFlight) {
            assertThat(handedToHandler).as("what the undelivered-items handler got")
                    .isEqualTo(returned.isEmpty() ? List.of() : List.of(returned));
        } else {
            // A drain polling after the forced stop hands what it polled back too, after stop() returned.
            List<Integer> all = handedToHandler.stream().flatMap(List::stream).toList();
            assertThat(all.subList(0, Math.min(returned.size(), all.size()))).as("stop() returns what it handed back so far")
                    .isEqualTo(returned);
            returned = all;
        }
        assertThat(handled.get() + returned.size()).as("handled + returned").isEqualTo(total);

        List<SeqList> returnedSeqs = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            returnedSeqs.add(new SeqList());
        }
        for (int item : returned) {
            returnedSeqs.get(item / STRIDE).add(item % STRIDE);
        }
        List<String> wrong = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            SeqList done = handledSeqs.get(p);
            SeqList back = returnedSeqs.get(p);
            int count = accepted.get(p);
            done.checkIncreasing("producer " + p + " handled", wrong);
            back.checkIncreasing("producer " + p + " handed back", wrong);
            BitSet seen = new BitSet(count);
            for (SeqList seqs : List.of(done, back)) {
                for (int i = 0; i < seqs.size; i++) {
                    int seq = seqs.seqs[i];
                    if (seq >= count || seen.get(seq)) {
                        wrong.add("producer " + p + ": item " + seq + (seq >= count ? " was never accepted" : " came twice"));
                    }
                    seen.set(seq);
                }
            }
            if (seen.cardinality() != count) {
                wrong.add("producer " + p + ": item " + seen.nextClearBit(0) + " was accepted, then neither handled nor "
                        + "handed back (" + (count - seen.cardinality()) + " such items)");
            }
            int firstBack = back.min();
            if (done.size > 0 && back.size > 0 && done.seqs[done.size - 1] != firstBack - 1) {
                wrong.add("producer " + p + ": handled up to " + done.seqs[done.size - 1] + ", then handed back from "
                        + firstBack);
            }
        }
        assertThat(wrong).as("items lost, duplicated or out of their producer's order").isEmpty();
    }

    /** One producer's sequence numbers, in the order seen; appended by one thread at a time. */
    private static final class SeqList {
        int[] seqs = new int[1024];
        int size;

        synchronized void add(int seq) {
            if (size == seqs.length) {
                seqs = Arrays.copyOf(seqs, size * 2);
            }
            seqs[size++] = seq;
        }

        synchronized int min() {
            int min = Integer.MAX_VALUE;
            for (int i = 0; i < size; i++) {
                min = Math.min(min, seqs[i]);
            }
            return min;
        }

        synchronized void checkIncreasing(String what, List<String> wrong) {
            for (int i = 1; i < size; i++) {
                if (seqs[i] <= seqs[i - 1]) {
                    wrong.add(what + " item " + seqs[i] + " after " + seqs[i - 1]);
                    return;
                }
            }
        }
    }
}
