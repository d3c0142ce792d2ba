package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tasksupervisor.Contenders;
import dev.tasksupervisor.ScaledTimeout;
import dev.tasksupervisor.StressScale;
import dev.tasksupervisor.SupervisorThreads;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;

/**
 * Four producers put 250,000 items each into one queue worker, which is then stopped with a short
 * timeout: every item accepted is either handled or handed back, never both, never neither; handled
 * items run in each producer's order, and the handed-back ones continue each producer's sequence where
 * the handled ones left off.
 */
@Tag("stress")
@ExtendWith(ScaledTimeout.class)
class QueueWorkerStressTest {

    private static final int PRODUCERS = 4;
    /** Item numbers: {@code producer * STRIDE + seq}. */
    private static final int STRIDE = Integer.MAX_VALUE / PRODUCERS;

    private final int perProducer = StressScale.scaled(250_000);
    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("queue-stress"));
    private final Contenders producers = Contenders.watching();

    /** Per producer: the sequence number of the next item the target expects. */
    private final AtomicIntegerArray nextHandled = new AtomicIntegerArray(PRODUCERS);
    private final Queue<String> outOfOrder = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inTarget = new AtomicInteger();
    private final AtomicInteger mostInTarget = new AtomicInteger();
    private final AtomicLong handled = new AtomicLong();
    /** Per producer: how many of its puts were accepted. */
    private final AtomicIntegerArray accepted = new AtomicIntegerArray(PRODUCERS);
    private final List<List<Integer>> handedToHandler = new CopyOnWriteArrayList<>();

    QueueWorkerStressTest() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
        supervisor.start();
    }

    @AfterEach
    void stopSupervisor() {
        producers.close();
        supervisor.stop(Duration.ofSeconds(30), true, true);
    }

    @Test
    void fourProducersThenAHurriedStopLoseNoItemAndKeepEachProducersOrder() throws Exception {
        QueueWorker<Integer> worker = worker("stress-queue", null);
        worker.start();

        produce(worker).join();
        List<Integer> returned = worker.stop(Duration.ofMillis(10));

        assertEveryItemHandledOrReturned(worker, returned, PRODUCERS * perProducer);
    }

    @Test
    void aBacklogOfAMillionStoppedInAHurryIsPartlyHandledAndTheRestHandedBackInOrder() throws Exception {
        CountDownLatch backlogged = new CountDownLatch(1);
        QueueWorker<Integer> worker = worker("stress-backlog", backlogged);
        worker.start();

        produce(worker).join();
        backlogged.countDown(); // the first item's run held the drain until every item was queued
        List<Integer> returned = worker.stop(Duration.ofMillis(20));

        assertEveryItemHandledOrReturned(worker, returned, PRODUCERS * perProducer);
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
        List<Integer> returned = worker.stop(Duration.ofMillis(10));
        running.join();

        assertThat(refusals).as("refused puts, one per producer").hasSize(PRODUCERS)
                .allSatisfy(message -> assertThat(message).contains("'stress-racing'")
                        .containsAnyOf("accepts no items", "was not accepted"));
        assertEveryItemHandledOrReturned(worker, returned, totalAccepted());
    }

    /**
     * A worker that checks each producer's order and that runs never overlap; with {@code hold}, its
     * first run waits for that latch.
     */
    private QueueWorker<Integer> worker(String name, CountDownLatch hold) {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, name, WorkerTarget.of(item -> {
            mostInTarget.accumulateAndGet(inTarget.incrementAndGet(), Math::max);
            if (hold != null && handled.get() == 0) {
                hold.await();
            }
            int producer = item / STRIDE;
            int seq = item % STRIDE;
            int expected = nextHandled.get(producer);
            if (seq != expected && outOfOrder.size() < 20) {
                outOfOrder.add("producer " + producer + ": item " + seq + " ran when " + expected + " was due");
            }
            nextHandled.set(producer, seq + 1);
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

    private int totalAccepted() {
        int total = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            total += accepted.get(p);
        }
        return total;
    }

    private void assertEveryItemHandledOrReturned(QueueWorker<Integer> worker, List<Integer> returned, int total) {
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        // A run interrupted by the forced stop may still be ending: the supervisor's stop waits for it.
        supervisor.stop();
        assertThat(producers.escaped()).as("exceptions from producers or pool threads").isEmpty();
        assertThat(outOfOrder).as("items run out of their producer's order").isEmpty();
        assertThat(mostInTarget.get()).as("runs at once").isEqualTo(1);
        assertThat(handled.get() + returned.size()).as("handled + returned").isEqualTo(total);
        assertThat(handedToHandler).as("what the undelivered-items handler got")
                .isEqualTo(returned.isEmpty() ? List.of() : List.of(returned));

        // Each producer's handed-back items go on from where its handled ones stopped, up to its last accepted one.
        List<String> gaps = new ArrayList<>();
        int[] next = new int[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            next[p] = nextHandled.get(p);
        }
        for (int item : returned) {
            int producer = item / STRIDE;
            int seq = item % STRIDE;
            if (seq != next[producer] && gaps.size() < 20) {
                gaps.add("producer " + producer + ": handed back " + seq + " when " + next[producer] + " was due");
            }
            next[producer] = seq + 1;
        }
        for (int p = 0; p < PRODUCERS; p++) {
            if (next[p] != accepted.get(p)) {
                gaps.add("producer " + p + ": " + accepted.get(p) + " accepted, but handled and handed back end at "
                        + next[p]);
            }
        }
        assertThat(gaps).as("items missing, duplicated or out of order").isEmpty();
    }
}
