package dev.tasksupervisor.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 * A million tasks spawned from eight threads, through the plain pool and through the priority gate:
 * each runs exactly once (a run count per task id, not just a total) and every future completes.
 */
@Tag("stress")
@ExtendWith(ScaledTimeout.class)
class SpawnStressTest {

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

        spawnAll(SpawnStressTest::mixedPriority, id -> {
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
