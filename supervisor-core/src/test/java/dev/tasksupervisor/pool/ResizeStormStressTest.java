package dev.tasksupervisor.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.testsupport.Contenders;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.testsupport.ScaledTimeout;
import dev.tasksupervisor.testsupport.StressScale;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.TaskSupervisor;

/**
 * A resize storm: while eight threads spawn tasks, another resizes the pool between 1 and 50 threads
 * a thousand times, growing and shrinking. No task is lost or run twice, no exception escapes, and
 * the pool ends with the sizes last asked for.
 */
@Tag("stress")
@ExtendWith(ScaledTimeout.class)
class ResizeStormStressTest {

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
        // The pool still works at its final size.
        assertThat(supervisor.spawn(() -> "alive").get(10, TimeUnit.SECONDS)).isEqualTo("alive");
        assertThat(threads.escaped()).as("exceptions anywhere").isEmpty();
    }
}
