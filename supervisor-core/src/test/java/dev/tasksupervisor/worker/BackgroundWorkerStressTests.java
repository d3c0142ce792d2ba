package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.Contenders;
import dev.tasksupervisor.testsupport.ScaledTimeout;
import dev.tasksupervisor.testsupport.StressScale;
import dev.tasksupervisor.testsupport.SupervisorThreads;

/**
 * A thousand workers (interval, event and queue) started and stopped concurrently from several
 * threads, twice over: every worker ends stopped, each ran what it was asked to, the registry holds
 * each name once, and no exception escapes. Two workers started under one name at once: exactly one
 * wins.
 */
@Tag("stress")
@ExtendWith(ScaledTimeout.class)
class BackgroundWorkerStressTests {

    private static final int THREADS = 8;
    private static final int ROUNDS = 2;
    private static final int ITEMS_PER_ROUND = 3;

    private final int workerCount = StressScale.scaled(1_000);
    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("churn-stress"));
    private final Contenders threads = Contenders.watching();

    BackgroundWorkerStressTests() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(16).build());
        supervisor.start();
    }

    @AfterEach
    void stopSupervisor() {
        threads.close();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(30)).withCancelTasks(true));
    }

    @Test
    void aThousandWorkersStartedAndStoppedFromEightThreadsTwiceOverAllEndStopped() throws Exception {
        AtomicIntegerArray runs = new AtomicIntegerArray(workerCount);
        List<BackgroundWorker> workers = new ArrayList<>();
        for (int i = 0; i < workerCount; i++) {
            workers.add(worker(i, runs));
        }
        // started[round][slice]: the slice's workers have been started (and triggered or fed) in that round.
        CountDownLatch[][] started = new CountDownLatch[ROUNDS][THREADS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int slice = 0; slice < THREADS; slice++) {
                started[round][slice] = new CountDownLatch(1);
            }
        }
        CyclicBarrier roundEnd = new CyclicBarrier(THREADS);

        // Each thread starts its own slice and stops its neighbour's, as soon as the neighbour has started
        // it: starts and stops of different workers overlap, and no worker is stopped by its starter.
        threads.start(THREADS, "churner", slice -> {
            int neighbour = (slice + 1) % THREADS;
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = slice; i < workerCount; i += THREADS) {
                    BackgroundWorker worker = workers.get(i);
                    worker.start();
                    if (worker instanceof EventWorker event) {
                        event.trigger();
                    } else if (worker instanceof QueueWorker<?> queue) {
                        @SuppressWarnings("unchecked")
                        QueueWorker<Integer> items = (QueueWorker<Integer>) queue;
                        for (int item = 0; item < ITEMS_PER_ROUND; item++) {
                            items.put(item);
                        }
                    }
                }
                started[round][slice].countDown();
                started[round][neighbour].await();
                for (int i = neighbour; i < workerCount; i += THREADS) {
                    stop(workers.get(i), i);
                }
                roundEnd.await(); // every worker stopped (or stopping) before any starts again
                for (int i = neighbour; i < workerCount; i += THREADS) {
                    // A restart needs the previous stop finished; stop(false) returns before that.
                    assertThat(workers.get(i).awaitStop(Duration.ofSeconds(30))).as("%s stopped", workers.get(i)).isTrue();
                }
                roundEnd.await();
            }
        }).join();

        assertThat(threads.escaped()).as("exceptions from the threads or anywhere").isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> workers.stream().allMatch(BackgroundWorker::isStopped));
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < workerCount; i++) {
            BackgroundWorker worker = workers.get(i);
            if (worker.getState() != WorkerState.STOPPED) {
                wrong.add(worker + " is " + worker.getState());
            }
            if (worker.getFailures() != 0) {
                wrong.add(worker + " failed " + worker.getFailures() + " times");
            }
            int expected = worker instanceof EventWorker ? ROUNDS : worker instanceof QueueWorker ? ROUNDS * ITEMS_PER_ROUND : -1;
            if (expected >= 0 && runs.get(i) != expected) {
                wrong.add(worker + " ran " + runs.get(i) + " times, not " + expected);
            }
        }
        assertThat(wrong).as("workers in the wrong state or with lost runs").isEmpty();

        List<BackgroundWorker> registered = supervisor.getWorkers();
        Set<String> names = new HashSet<>();
        registered.forEach(worker -> names.add(worker.getName()));
        assertThat(registered).as("registered workers").hasSize(workerCount);
        assertThat(names).as("distinct names").hasSize(workerCount);
        for (BackgroundWorker worker : workers) {
            assertThat(supervisor.getWorker(worker.getName())).isSameAs(worker);
        }

        threads.start(THREADS, "unregisterer", slice -> {
            for (int i = slice; i < workerCount; i += THREADS) {
                supervisor.unregisterScheduler(workers.get(i));
            }
        }).join();
        assertThat(supervisor.getWorkers()).as("workers left registered").isEmpty();
        assertThat(supervisor.spawn(() -> "alive").get(10, TimeUnit.SECONDS)).isEqualTo("alive");
        assertThat(threads.escaped()).as("exceptions from the threads or anywhere").isEmpty();
    }

    @Test
    void twoWorkersStartedUnderOneNameAtOnceExactlyOneWins() throws Exception {
        int pairs = StressScale.scaled(200);
        Queue<String> wrong = new ConcurrentLinkedQueue<>();
        for (int pair = 0; pair < pairs; pair++) {
            String name = "twin-" + pair;
            BackgroundWorker[] twins = {
                new EventWorker(supervisor, name, WorkerTarget.of(() -> { })),
                pair % 2 == 0 ? new QueueWorker<Integer>(supervisor, name, WorkerTarget.of(item -> { }))
                        : new IntervalWorker(supervisor, name, Duration.ofMillis(5), WorkerTarget.of(() -> { })),
            };
            AtomicInteger winners = new AtomicInteger();
            Queue<Throwable> refusals = new ConcurrentLinkedQueue<>();
            Contenders pairThreads = Contenders.watching();
            try {
                pairThreads.start(2, "twin", i -> {
                    try {
                        twins[i].start();
                        winners.incrementAndGet();
                    } catch (IllegalArgumentException refused) {
                        refusals.add(refused);
                    }
                }).join();
                assertThat(pairThreads.escaped()).isEmpty();
            } finally {
                pairThreads.close();
            }
            if (winners.get() != 1 || refusals.size() != 1) {
                wrong.add(name + ": " + winners.get() + " started, " + refusals.size() + " refused");
                continue;
            }
            assertThat(refusals.peek()).hasMessageContaining("already has a worker named '" + name + "'");
            BackgroundWorker winner = twins[0].isActive() ? twins[0] : twins[1];
            BackgroundWorker loser = winner == twins[0] ? twins[1] : twins[0];
            assertThat(loser.getState()).as("the loser of %s", name).isEqualTo(WorkerState.NEW);
            assertThat(supervisor.getWorker(name)).isSameAs(winner);
            winner.stop();
            supervisor.unregisterScheduler(winner);
        }
        assertThat(wrong).isEmpty();
        assertThat(supervisor.getWorkers()).isEmpty();
    }

    /** Interval (fixed rate or fixed delay), event and queue workers in turn; each counts its runs. */
    private BackgroundWorker worker(int i, AtomicIntegerArray runs) {
        String name = "churn-" + i;
        return switch (i % 4) {
            case 0 -> new IntervalWorker(supervisor, name, Duration.ofMillis(2), WorkerTarget.of(() -> runs.incrementAndGet(i)));
            case 1 -> {
                IntervalWorker worker = new IntervalWorker(supervisor, name, WorkerTarget.of(() -> runs.incrementAndGet(i)));
                worker.setDelay(Duration.ofMillis(1));
                yield worker;
            }
            case 2 -> new EventWorker(supervisor, name, WorkerTarget.of(() -> runs.incrementAndGet(i)));
            default -> new QueueWorker<Integer>(supervisor, name, WorkerTarget.of(item -> runs.incrementAndGet(i)));
        };
    }

    /** Stops in one of three ways: waiting, not waiting, or waiting at most a (generous) while. */
    private static void stop(BackgroundWorker worker, int i) {
        switch (i % 3) {
            case 0 -> worker.stop();
            case 1 -> worker.requestStop();
            default -> assertThat(worker.stop(Duration.ofSeconds(30)).undelivered(worker.getName())).as("handed back by %s", worker).isEmpty();
        }
    }
}
