package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.testsupport.SupervisorThreads;

class PriorityGateTests {

    private final String id = SupervisorThreads.uniqueId("prio");
    private final TaskSupervisor supervisor = new TaskSupervisor(id);
    private final CountDownLatch release = new CountDownLatch(1);
    /** Task name → the thread it started on. */
    private final Map<String, String> started = new ConcurrentHashMap<>();
    private final List<CompletableFuture<Void>> tasks = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        release.countDown();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(5)).withCancelTasks(true));
    }

    private void spawnBlocking(Priority priority, String name) {
        tasks.add(supervisor.spawn(priority, () -> {
            started.put(name, Thread.currentThread().getName());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    @Test
    void eachPriorityUsesItsReserveAndCriticalStartsBeyondMax() {
        supervisor.setPoolSettings(PoolSettings.builder().poolSize(2).reserveNormal(1).reserveHigh(1).build());
        supervisor.start();
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(4);

        spawnBlocking(Priority.LOW, "low1");
        spawnBlocking(Priority.LOW, "low2");
        await().until(() -> started.keySet().containsAll(List.of("low1", "low2")));

        spawnBlocking(Priority.LOW, "low3");
        spawnBlocking(Priority.NORMAL, "normal");
        spawnBlocking(Priority.HIGH, "high");
        await().until(() -> started.keySet().containsAll(List.of("normal", "high")));
        // Every slot a LOW task may use is taken: the third one waits.
        assertThat(started).doesNotContainKey("low3");
        assertThat(supervisor.info().pool().waiting()).isEqualTo(1);

        spawnBlocking(Priority.NORMAL, "normal2");
        spawnBlocking(Priority.CRITICAL, "critical");
        await().until(() -> started.containsKey("critical"));
        assertThat(started.get("critical")).startsWith("supervisor_" + id + "_pool_critical_");
        assertThat(started).hasSize(5).doesNotContainKeys("low3", "normal2");
        assertThat(supervisor.info().pool().waiting()).isEqualTo(2);

        release.countDown();
        CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
        assertThat(started).containsKeys("low3", "normal2");
        // The gate counts a task as no longer waiting once it handed it to the pool, just after: the task
        // may already have run by then (seen failing once in a full build).
        await().until(() -> supervisor.info().pool().waiting() == 0);
    }

    @Test
    void limitsHoldAndEveryTaskRunsOnceUnderConcurrentSpawns() throws Exception {
        // More threads than the limits allow, so only the gate keeps the counts down.
        supervisor.setPoolSettings(PoolSettings.builder().poolSize(2).reserveNormal(1).reserveHigh(1).maxSize(12).build());
        supervisor.start();
        Priority[] priorities = {Priority.LOW, Priority.NORMAL, Priority.HIGH};
        int[] limits = {2, 3, 4}; // at most this many tasks of this priority or lower run at once
        AtomicIntegerArray running = new AtomicIntegerArray(3);
        AtomicIntegerArray most = new AtomicIntegerArray(3);
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        int spawners = 4;
        int perSpawner = 2_000;
        List<CompletableFuture<Void>> all = new CopyOnWriteArrayList<>();
        Thread[] threads = new Thread[spawners];
        for (int t = 0; t < spawners; t++) {
            int first = t * perSpawner;
            threads[t] = new Thread(() -> {
                for (int i = first; i < first + perSpawner; i++) {
                    int id = i;
                    int level = id % 3;
                    all.add(supervisor.spawn(priorities[level], () -> {
                        for (int l = level; l < 3; l++) {
                            most.accumulateAndGet(l, running.incrementAndGet(l), Math::max);
                        }
                        ran.add(id);
                        for (int l = level; l < 3; l++) {
                            running.decrementAndGet(l);
                        }
                    }));
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(ran).hasSize(spawners * perSpawner);
        for (int l = 0; l < 3; l++) {
            assertThat(most.get(l)).as("most %s-or-lower tasks at once", priorities[l]).isLessThanOrEqualTo(limits[l]);
        }
        assertThat(supervisor.info().pool().waiting()).isZero();
    }

    @Test
    void waitingTasksStartHighestPriorityFirstThenOldestFirst() {
        supervisor.setPoolSettings(PoolSettings.builder().poolSize(1).build());
        supervisor.start();
        spawnBlocking(Priority.LOW, "blocker");
        await().until(() -> started.containsKey("blocker"));

        List<String> order = new CopyOnWriteArrayList<>();
        List<CompletableFuture<?>> queued = new ArrayList<>();
        queued.add(supervisor.spawn(Priority.LOW, () -> order.add("low")));
        queued.add(supervisor.spawn(Priority.NORMAL, () -> order.add("normal1")));
        queued.add(supervisor.spawn(Priority.HIGH, () -> order.add("high")));
        queued.add(supervisor.spawn(Priority.NORMAL, () -> order.add("normal2")));
        assertThat(supervisor.info().pool().waiting()).isEqualTo(4);

        release.countDown();
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).join();
        assertThat(order).containsExactly("high", "normal1", "normal2", "low");
    }

    @Test
    void withoutPoolSizePrioritiesAreIgnored() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(3).build());
        supervisor.start();
        spawnBlocking(Priority.LOW, "a");
        spawnBlocking(Priority.LOW, "b");
        spawnBlocking(Priority.LOW, "c");
        await().until(() -> started.size() == 3);
        assertThat(supervisor.info().pool().waiting()).isZero();
        assertThat(supervisor.info().pool().poolSize()).isZero();
    }

    @Test
    void stopRunsTasksHeldBackByPriorityLimits() {
        supervisor.setPoolSettings(PoolSettings.builder().poolSize(1).build());
        supervisor.start();
        spawnBlocking(Priority.LOW, "blocker");
        await().until(() -> started.containsKey("blocker"));
        CompletableFuture<?> held = supervisor.spawn(Priority.LOW, () -> started.put("held", "x"));
        CompletableFuture<Void> stop = CompletableFuture.runAsync(supervisor::stop);
        release.countDown();
        stop.join();
        assertThat(held).isCompleted();
        assertThat(started).containsKey("held");
    }

    @Test
    void stopWithTimeoutCancelsTasksHeldBackByPriorityLimits() {
        supervisor.setPoolSettings(PoolSettings.builder().poolSize(1).build());
        supervisor.start();
        spawnBlocking(Priority.LOW, "blocker");
        await().until(() -> started.containsKey("blocker"));
        CompletableFuture<?> held = supervisor.spawn(Priority.LOW, () -> started.put("held", "x"));
        supervisor.stop(Duration.ofMillis(100));
        assertThat(held).isCancelled();
        assertThat(started).doesNotContainKey("held");
    }

    @Test
    void priorityLimitsCanChangeWhileRunning() {
        supervisor.setPoolSettings(PoolSettings.builder().poolSize(1).maxSize(5).build());
        supervisor.start();
        spawnBlocking(Priority.LOW, "a");
        spawnBlocking(Priority.LOW, "b");
        await().until(() -> started.containsKey("a"));
        assertThat(supervisor.info().pool().waiting()).isEqualTo(1);
        supervisor.setPoolSettings(supervisor.getPoolSettings().toBuilder().poolSize(2).build());
        await().until(() -> started.containsKey("b"));
        assertThat(supervisor.info().pool().poolSize()).isEqualTo(2);
    }
}
