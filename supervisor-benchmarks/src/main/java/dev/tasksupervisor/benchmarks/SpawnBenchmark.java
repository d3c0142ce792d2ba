package dev.tasksupervisor.benchmarks;

import java.util.Map;
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
import org.slf4j.MDC;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;

/**
 * Spawn throughput: batches of 10,000 no-op tasks into a pool of 10 threads, the caller waiting until
 * the batch has run. The supervisor's {@code spawn} returns a future, so its like-for-like baseline is
 * {@code ThreadPoolExecutor.submit}. The {@code WithMdc} pair is the path of a Spring application: a
 * {@link TaskDecorator} that carries the caller's MDC into the pool thread, on the supervisor and on
 * Spring's {@code ThreadPoolTaskExecutor}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpawnBenchmark {

    static final int TASKS = 10_000;
    static final int THREADS = 10;

    /** Who runs the tasks, and how they are handed over. */
    @Param({"TaskSupervisor.spawn", "TaskSupervisor.spawnWithPriorities", "ThreadPoolExecutor.submit",
            "TaskSupervisor.spawnWithMdc", "ThreadPoolTaskExecutor.submitWithMdc"})
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
                supervisor = startSupervisor(PoolSettings.builder().minSize(THREADS).maxSize(THREADS).build(), null);
                spawner = supervisor::spawn;
            }
            case "TaskSupervisor.spawnWithPriorities" -> {
                // poolSize > 0 switches the priority gate on; NORMAL tasks may use all 10 threads.
                supervisor = startSupervisor(PoolSettings.builder().minSize(THREADS).poolSize(THREADS).build(), null);
                spawner = task -> supervisor.spawn(Priority.NORMAL, task);
            }
            case "TaskSupervisor.spawnWithMdc" -> {
                supervisor = startSupervisor(PoolSettings.builder().minSize(THREADS).maxSize(THREADS).build(),
                        new MdcTaskDecorator());
                spawner = supervisor::spawn;
            }
            case "ThreadPoolExecutor.submit" -> {
                threadPool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
                threadPool.prestartAllCoreThreads();
                ExecutorService pool = threadPool;
                spawner = pool::submit;
            }
            case "ThreadPoolTaskExecutor.submitWithMdc" -> {
                springExecutor = new ThreadPoolTaskExecutor();
                springExecutor.setCorePoolSize(THREADS);
                springExecutor.setMaxPoolSize(THREADS);
                springExecutor.setPrestartAllCoreThreads(true);
                springExecutor.setTaskDecorator(new MdcTaskDecorator());
                springExecutor.initialize();
                ThreadPoolTaskExecutor pool = springExecutor;
                spawner = pool::submit;
            }
            default -> throw new IllegalArgumentException("unknown executor " + executor);
        }
    }

    private static TaskSupervisor startSupervisor(PoolSettings settings, TaskDecorator decorator) {
        TaskSupervisor s = new TaskSupervisor("bench");
        s.setPoolSettings(settings);
        if (decorator != null) {
            s.setTaskDecorator(decorator::decorate);
        }
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
        MDC.put("request", "bench"); // what the decorators carry over; the others ignore it
        CountDownLatch done = new CountDownLatch(TASKS);
        Runnable task = done::countDown;
        for (int i = 0; i < TASKS; i++) {
            spawner.spawn(task);
        }
        done.await();
    }

    /** What Spring applications write to keep log context across threads: the caller's MDC, restored after. */
    static final class MdcTaskDecorator implements TaskDecorator {

        @Override
        public Runnable decorate(Runnable task) {
            Map<String, String> caller = MDC.getCopyOfContextMap();
            return () -> {
                Map<String, String> previous = MDC.getCopyOfContextMap();
                if (caller == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(caller);
                }
                try {
                    task.run();
                } finally {
                    if (previous == null) {
                        MDC.clear();
                    } else {
                        MDC.setContextMap(previous);
                    }
                }
            };
        }
    }
}
