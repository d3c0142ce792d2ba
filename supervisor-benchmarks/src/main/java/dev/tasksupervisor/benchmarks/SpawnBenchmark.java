package dev.tasksupervisor.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.tasksupervisor.Priority;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;

/**
 * Spawn throughput: batches of 10,000 no-op tasks into a pool of 10 threads, the caller waiting until
 * the batch has run. The supervisor's {@code spawn} returns a future, so its like-for-like baselines
 * are the plain executors' {@code submit}; their {@code execute} (no future) is measured too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpawnBenchmark {

    static final int TASKS = 10_000;
    static final int THREADS = 10;

    /** Who runs the tasks, and how they are handed over. */
    @Param({"TaskSupervisor.spawn", "TaskSupervisor.spawnWithPriorities", "ThreadPoolExecutor.submit",
            "ThreadPoolExecutor.execute", "ThreadPoolTaskExecutor.submit", "ThreadPoolTaskExecutor.execute"})
    public String executor;

    private TaskSupervisor supervisor;
    private ThreadPoolExecutor threadPool;
    private ThreadPoolTaskExecutor springExecutor;
    private Spawner spawner;

    /** One way of handing a task to a pool. */
    @FunctionalInterface
    interface Spawner {
        void spawn(Runnable task);
    }

    @Setup
    public void start() {
        switch (executor) {
            case "TaskSupervisor.spawn" -> {
                supervisor = startSupervisor(PoolSettings.builder().minSize(THREADS).maxSize(THREADS).build());
                spawner = supervisor::spawn;
            }
            case "TaskSupervisor.spawnWithPriorities" -> {
                // poolSize > 0 switches the priority gate on; NORMAL tasks may use all 10 threads.
                supervisor = startSupervisor(PoolSettings.builder().minSize(THREADS).poolSize(THREADS).build());
                spawner = task -> supervisor.spawn(Priority.NORMAL, task);
            }
            case "ThreadPoolExecutor.submit", "ThreadPoolExecutor.execute" -> {
                threadPool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
                threadPool.prestartAllCoreThreads();
                ExecutorService pool = threadPool;
                spawner = executor.endsWith("submit") ? pool::submit : pool::execute;
            }
            case "ThreadPoolTaskExecutor.submit", "ThreadPoolTaskExecutor.execute" -> {
                springExecutor = new ThreadPoolTaskExecutor();
                springExecutor.setCorePoolSize(THREADS);
                springExecutor.setMaxPoolSize(THREADS);
                springExecutor.setPrestartAllCoreThreads(true);
                springExecutor.initialize();
                ThreadPoolTaskExecutor pool = springExecutor;
                spawner = executor.endsWith("submit") ? pool::submit : pool::execute;
            }
            default -> throw new IllegalArgumentException("unknown executor " + executor);
        }
    }

    private static TaskSupervisor startSupervisor(PoolSettings settings) {
        TaskSupervisor s = new TaskSupervisor("bench");
        s.setPoolSettings(settings);
        s.start();
        return s;
    }

    @TearDown
    public void stop() {
        if (supervisor != null) {
            supervisor.stop();
        }
        if (threadPool != null) {
            threadPool.shutdownNow();
        }
        if (springExecutor != null) {
            springExecutor.shutdown();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void spawnBatch() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        Runnable task = done::countDown;
        for (int i = 0; i < TASKS; i++) {
            spawner.spawn(task);
        }
        done.await();
    }
}
