package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tasksupervisor.pool.PoolInfo;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.testsupport.Contenders;
import dev.tasksupervisor.testsupport.ScaledTimeout;
import dev.tasksupervisor.testsupport.StressScale;
import dev.tasksupervisor.testsupport.SupervisorThreads;

/** The pool under load: many spawners, with and without priorities, and resizes while they spawn. */
@Tag("stress")
@ExtendWith(ScaledTimeout.class)
class TaskPoolStressTests {

    /**
     * A million tasks spawned from eight threads, through the plain pool and through the priority gate:
     * each runs exactly once (a run count per task id, not just a total) and every future completes.
     */
    @Nested
    class Spawn {

        private static final int SPAWNERS = 8;

        private final int tasks = StressScale.scaled(1_000_000);
        private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("spawn-stress"));
        private final AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        private final CountDownLatch allRan = new CountDownLatch(tasks);
        @SuppressWarnings("unchecked")
        private final CompletableFuture<?>[] futures = new CompletableFuture<?>[tasks];
        private final Contenders spawners = Contenders.watching();

        @AfterEach
        void stopSupervisor() {
            spawners.close();
            supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(30)).withCancelTasks(true));
        }

        @Test
        void aMillionTasksFromEightThreadsRunExactlyOnceEach() throws Exception {
            supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
            supervisor.start();

            spawnAll(id -> Priority.NORMAL, id -> () -> ran(id));

            assertEveryTaskRanExactlyOnce();
        }

        @Test
        void aMillionTasksOfMixedPrioritiesRunExactlyOnceEachWithinTheirLimits() throws Exception {
            // LOW: 4 at once, NORMAL 6, HIGH 8; CRITICAL at once, beyond the pool if need be.
            supervisor.setPoolSettings(PoolSettings.builder().poolSize(4).reserveNormal(2).reserveHigh(2).build());
            supervisor.start();
            AtomicInteger lowRunning = new AtomicInteger();
            AtomicInteger limitedRunning = new AtomicInteger();
            AtomicInteger mostLow = new AtomicInteger();
            AtomicInteger mostLimited = new AtomicInteger();

            spawnAll(Spawn::mixedPriority, id -> {
                Priority priority = mixedPriority(id);
                if (priority == Priority.CRITICAL) {
                    return () -> ran(id);
                }
                boolean low = priority == Priority.LOW;
                return () -> {
                    // Counted inside the task, which ends before it gives its slot back: never above the limit.
                    mostLimited.accumulateAndGet(limitedRunning.incrementAndGet(), Math::max);
                    if (low) {
                        mostLow.accumulateAndGet(lowRunning.incrementAndGet(), Math::max);
                        lowRunning.decrementAndGet();
                    }
                    ran(id);
                    limitedRunning.decrementAndGet();
                };
            });

            assertEveryTaskRanExactlyOnce();
            assertThat(mostLow.get()).as("LOW tasks running at once").isBetween(1, 4);
            assertThat(mostLimited.get()).as("LOW, NORMAL and HIGH tasks running at once").isBetween(1, 8);
            assertThat(supervisor.poolInfo().waiting()).isZero();
        }

        /** One task in a hundred CRITICAL, the rest LOW, NORMAL and HIGH in turn. */
        private static Priority mixedPriority(int id) {
            if (id % 100 == 99) {
                return Priority.CRITICAL;
            }
            return switch (id % 3) {
                case 0 -> Priority.LOW;
                case 1 -> Priority.NORMAL;
                default -> Priority.HIGH;
            };
        }

        private void ran(int id) {
            runs.incrementAndGet(id);
            allRan.countDown();
        }

        /** Spawns every task from {@value #SPAWNERS} threads at once, task ids interleaved among them. */
        private void spawnAll(IntFunction<Priority> priority, IntFunction<Runnable> task) throws InterruptedException {
            spawners.start(SPAWNERS, "spawner", spawner -> {
                for (int id = spawner; id < tasks; id += SPAWNERS) {
                    futures[id] = supervisor.spawn(priority.apply(id), task.apply(id));
                }
            }).join();
            assertThat(spawners.escaped()).as("exceptions from the spawners").isEmpty();
        }

        private void assertEveryTaskRanExactlyOnce() throws Exception {
            assertThat(allRan.await(StressScale.scaled(Duration.ofMinutes(1)).toSeconds(), TimeUnit.SECONDS))
                    .as("all %,d tasks ran; %,d did not", tasks, allRan.getCount()).isTrue();
            // Stop (and wait) before the final count, so a duplicate run still in flight would be seen.
            supervisor.stop();
            List<String> wrong = new ArrayList<>();
            for (int id = 0; id < tasks && wrong.size() < 20; id++) {
                if (runs.get(id) != 1) {
                    wrong.add("task " + id + " ran " + runs.get(id) + " times");
                }
            }
            assertThat(wrong).as("tasks that did not run exactly once").isEmpty();
            for (int id = 0; id < tasks; id++) {
                CompletableFuture<?> future = futures[id];
                if (!future.isDone() || future.isCompletedExceptionally()) {
                    throw new AssertionError("the future of task " + id + " is " + future);
                }
            }
            assertThat(spawners.escaped()).as("exceptions anywhere").isEmpty();
        }
    }

    /**
     * A resize storm: while eight threads spawn tasks, another resizes the pool between 1 and 50 threads
     * a thousand times, growing and shrinking. No task is lost or run twice, no exception escapes, and
     * the pool ends with the sizes last asked for.
     */
    @Nested
    class ResizeStorm {

        private static final int SPAWNERS = 8;
        private static final int LARGEST = 50;

        private final int tasks = StressScale.scaled(200_000);
        private final int resizes = StressScale.scaled(1_000);
        private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("resize-stress"));
        private final AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        @SuppressWarnings("unchecked")
        private final CompletableFuture<?>[] futures = new CompletableFuture<?>[tasks];
        private final AtomicInteger spawned = new AtomicInteger();
        private final Contenders threads = Contenders.watching();

        @AfterEach
        void stopSupervisor() {
            threads.close();
            supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(30)).withCancelTasks(true));
        }

        @Test
        void aThousandResizesWhileEightThreadsSpawnLoseNothing() throws Exception {
            supervisor.setPoolSettings(PoolSettings.builder().minSize(2).maxSize(10).build());
            supervisor.start();

            int[] last = storm(id -> Priority.NORMAL);

            assertEveryTaskRanOnceAndThePoolHasTheLastSizes(last);
        }

        @Test
        void aThousandResizesWhileEightThreadsSpawnWithPrioritiesLoseNothing() throws Exception {
            supervisor.setPoolSettings(PoolSettings.builder().poolSize(3).reserveNormal(2).reserveHigh(2).maxSize(10).build());
            supervisor.start();

            int[] last = storm(id -> Priority.values()[id % Priority.values().length]);

            assertEveryTaskRanOnceAndThePoolHasTheLastSizes(last);
        }

        /**
         * Spawns every task from {@value #SPAWNERS} threads while one thread resizes the pool; the resizer
         * paces itself by the spawners' progress so that the resizes spread over the whole run.
         *
         * @return the last {min, max} asked for
         */
        private int[] storm(IntFunction<Priority> priority) throws InterruptedException {
            AtomicReference<int[]> last = new AtomicReference<>();
            threads.start(SPAWNERS, "spawner", spawner -> {
                for (int id = spawner; id < tasks; id += SPAWNERS) {
                    int task = id;
                    futures[id] = supervisor.spawn(priority.apply(id), () -> {
                        runs.incrementAndGet(task);
                        if (task % 64 == 0) {
                            LockSupport.parkNanos(50_000); // some work that holds a thread, so the pool grows
                        }
                    });
                    spawned.incrementAndGet();
                }
            });
            threads.start(1, "resizer", ignored -> {
                Random random = new Random(42);
                for (int i = 0; i < resizes; i++) {
                    int[] sizes = sizes(i, random);
                    supervisor.resizePool(sizes[0], sizes[1]);
                    last.set(sizes);
                    long due = (long) (i + 1) * tasks / resizes;
                    while (spawned.get() < due && threads.escaped().isEmpty()) {
                        Thread.yield();
                    }
                }
            });
            threads.join();
            assertThat(threads.escaped()).as("exceptions from spawners, resizer or pool threads").isEmpty();
            return last.get();
        }

        /** Grows and shrinks at random between 1 and {@value #LARGEST}, with min == max and the size 1 now and then. */
        private static int[] sizes(int i, Random random) {
            int max = 1 + random.nextInt(LARGEST);
            return switch (i % 10) {
                case 0 -> new int[] {1, 1};
                case 1 -> new int[] {0, 1};
                case 2, 3 -> new int[] {max, max};
                case 4 -> new int[] {0, LARGEST};
                default -> new int[] {random.nextInt(max + 1), max};
            };
        }

        private void assertEveryTaskRanOnceAndThePoolHasTheLastSizes(int[] last) throws Exception {
            try {
                CompletableFuture.allOf(futures).get(StressScale.scaled(Duration.ofMinutes(1)).toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                long pending = Arrays.stream(futures).filter(future -> !future.isDone()).count();
                throw new AssertionError(pending + " of " + tasks + " tasks never completed", e);
            }
            List<String> wrong = new ArrayList<>();
            for (int id = 0; id < tasks && wrong.size() < 20; id++) {
                if (runs.get(id) != 1) {
                    wrong.add("task " + id + " ran " + runs.get(id) + " times");
                }
            }
            assertThat(wrong).as("tasks that did not run exactly once").isEmpty();

            assertThat(supervisor.getPoolSettings().minSize()).as("settings' minSize").isEqualTo(last[0]);
            assertThat(supervisor.getPoolSettings().maxSize()).as("settings' maxSize").isEqualTo(last[1]);
            PoolInfo pool = supervisor.poolInfo();
            assertThat(pool.minSize()).as("pool's minSize").isEqualTo(last[0]);
            assertThat(pool.maxSize()).as("pool's maxSize").isEqualTo(last[1]);
            assertThat(pool.waiting()).isZero();
            assertThat(pool.largest()).as("the most threads the pool had").isGreaterThan(1);
            // The threads of the last minSize, started in the background whatever the resizes before it asked.
            await().atMost(Duration.ofSeconds(30)).until(() -> supervisor.poolInfo().currentSize() >= last[0]);
            assertThat(supervisor.poolInfo().growthFailure()).isNull();
            // The pool still works at its final size.
            assertThat(supervisor.spawn(() -> "alive").get(10, TimeUnit.SECONDS)).isEqualTo("alive");
            assertThat(threads.escaped()).as("exceptions anywhere").isEmpty();
        }
    }
}
