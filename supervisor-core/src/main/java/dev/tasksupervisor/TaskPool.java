package dev.tasksupervisor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.lifecycle.Deadline;
import dev.tasksupervisor.pool.PoolInfo;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;

/**
 * A supervisor's thread pool: the executor that runs spawned tasks and worker targets, its
 * priority limits, its resizing and its health check. Created and owned by a
 * {@code TaskSupervisor}, which alone uses it; applications use the supervisor's methods.
 *
 * <p>The executor is the pool's own {@link ThreadPoolExecutor} (growing through {@link ScalingQueue})
 * or an {@link ExecutorService} the application supplied. With priorities off the spawn path is one
 * volatile read plus the executor's own work: no lock, no counter.
 *
 * <p>Thread safety: every method may be called from any thread. {@code settings} and
 * {@code gate} are written only under {@code configLock} (resizes and setting changes are serialised)
 * and read without it.
 */
final class TaskPool {

    private static final Runnable NO_OP = () -> { };

    private final String name;
    private final ExecutorService executor;
    /** The executor when it is a ThreadPoolExecutor (ours or the application's), else null. */
    private final ThreadPoolExecutor threadPool;
    /** Our queue when the pool is our own, else null. */
    private final ScalingQueue scalingQueue;
    private final PoolThreads threads;
    /** Runs CRITICAL tasks that find every pool thread busy. Makes threads only when needed. */
    private final ThreadPoolExecutor overflow;
    private final UnaryOperator<Runnable> decorator;
    private final LongAdder rejected = new LongAdder();
    private final Object configLock = new Object();
    private volatile PoolSettings settings;
    private volatile PriorityGate gate;
    private volatile PoolHealthCheck healthCheck;

    /**
     * Creates the pool and starts its {@code minSize} threads.
     *
     * @param name how the pool is called in logs and errors, e.g. {@code "task supervisor 'default'"}
     * @param threadNamePrefix thread names are this plus a number
     * @param settings sizes and priority limits; the sizes are ignored for a replacement executor
     * @param replacement an executor to use instead of the pool's own, or {@code null}
     * @param decorator wraps every task before it runs (context propagation), or {@code null}
     */
    TaskPool(String name, String threadNamePrefix, PoolSettings settings, ExecutorService replacement,
            UnaryOperator<Runnable> decorator) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.decorator = decorator;
        if (replacement == null) {
            threads = (settings.virtualThreads()
                    ? PoolThreads.virtual(threadNamePrefix)
                    : PoolThreads.platform(threadNamePrefix)).ownedBy(this);
            scalingQueue = new ScalingQueue(threads.live(), name + "'s pool");
            // Saturated: a keep-alive of centuries means "for ever", not an ArithmeticException at start.
            threadPool = new ThreadPoolExecutor(settings.minSize(), settings.maxSize(), Deadline.nanos(settings.keepAlive()),
                    TimeUnit.NANOSECONDS, scalingQueue, threads, scalingQueue);
            scalingQueue.attach(threadPool);
            threadPool.prestartAllCoreThreads();
            executor = threadPool;
        } else {
            threads = null;
            scalingQueue = null;
            executor = replacement;
            threadPool = replacement instanceof ThreadPoolExecutor tpe ? tpe : null;
        }
        PoolThreads overflowThreads = PoolThreads.platform(threadNamePrefix + "critical_").ownedBy(this);
        overflow = new ThreadPoolExecutor(0, Integer.MAX_VALUE, Deadline.nanos(settings.keepAlive()), TimeUnit.NANOSECONDS,
                new SynchronousQueue<>(), overflowThreads);
        if (settings.prioritiesEnabled()) {
            gate = newGate(settings);
        }
    }

    private PriorityGate newGate(PoolSettings s) {
        return new PriorityGate(this::dispatch, this::currentMax, s.poolSize(), s.reserveNormal(), s.reserveHigh());
    }

    private int currentMax() {
        return threadPool != null ? threadPool.getMaximumPoolSize() : settings.maxSize();
    }

    /** Starts probing the pool from {@code loop}, the supervisor's own loop. */
    void startHealthCheck(Aloop loop) {
        PoolHealthCheck check = new PoolHealthCheck(this, loop);
        healthCheck = check;
        check.start();
    }

    /**
     * Runs {@code task} on a pool thread.
     *
     * @throws RejectedExecutionException if the pool is stopped
     */
    CompletableFuture<Void> submit(Priority priority, Runnable task) {
        return submit(priority, task, true);
    }

    /**
     * Runs {@code task} on a pool thread; without the decorator if {@code decorate} is false, for work
     * that applies it itself.
     *
     * @throws RejectedExecutionException if the pool is stopped
     */
    CompletableFuture<Void> submit(Priority priority, Runnable task, boolean decorate) {
        PoolTask<Void> t = new PoolTask<>(Objects.requireNonNull(task, "task"));
        submit(priority, t, decorate);
        return t;
    }

    /**
     * Runs {@code task} on a pool thread; the future completes with its result.
     *
     * @throws RejectedExecutionException if the pool is stopped
     */
    <T> CompletableFuture<T> submit(Priority priority, Callable<T> task) {
        PoolTask<T> t = new PoolTask<>(Objects.requireNonNull(task, "task"));
        submit(priority, t, true);
        return t;
    }

    private void submit(Priority priority, PoolTask<?> task, boolean decorate) {
        Objects.requireNonNull(priority, "priority");
        // Decorated here, on the caller's thread, as Spring's executors do: a failing decorator fails the spawn.
        Runnable runnable = decorator == null || !decorate ? task : new DecoratedTask(task, decorator.apply(task));
        PriorityGate g = gate;
        try {
            if (g == null) {
                executor.execute(runnable);
            } else {
                g.submit(priority, runnable);
            }
        } catch (RejectedExecutionException e) {
            rejected.increment();
            if (executor.isShutdown()) {
                throw new RejectedExecutionException(name + " is stopped and accepts no new tasks", e);
            }
            throw new RejectedExecutionException(name + ": the pool refused the task: " + e.getMessage(), e);
        }
    }

    private void dispatch(Runnable runnable, boolean beyondPool) {
        (beyondPool ? overflow : executor).execute(runnable);
    }

    /** Hands a health probe straight to the executor, past priorities and the decorator. */
    void executeProbe(Runnable probe) {
        executor.execute(probe);
    }

    /**
     * Changes the number of threads while tasks run: queued tasks stay queued and run, none is
     * blocked. Validates before changing anything.
     *
     * @throws IllegalArgumentException if a size is negative or {@code minSize > maxSize}
     * @throws IllegalStateException if the pool was replaced by an executor that cannot be resized, or the
     *     system refused the threads {@code minSize} asks for (the sizes are then left as they were)
     */
    void resize(int minSize, int maxSize) {
        synchronized (configLock) {
            PoolSettings next = settings.toBuilder().minSize(minSize).maxSize(maxSize).build();
            applySizes(next);
            settings = next;
        }
    }

    /**
     * Applies new settings to the running pool: sizes, keep-alive, priority limits and the health
     * check's timing. Whether tasks run on virtual threads cannot change while the pool runs.
     */
    void apply(PoolSettings next) {
        Objects.requireNonNull(next, "settings");
        PriorityGate existing;
        synchronized (configLock) {
            PoolSettings current = settings;
            if (next.virtualThreads() != current.virtualThreads()) {
                throw new IllegalStateException("virtualThreads cannot change while " + name
                        + " runs: set it before the supervisor starts");
            }
            // A replacement executor that is not a ThreadPoolExecutor keeps its own sizes.
            if (threadPool != null && (next.minSize() != current.minSize() || next.maxSize() != current.maxSize())) {
                applySizes(next);
            }
            if (threadPool != null && !next.keepAlive().equals(current.keepAlive())) {
                threadPool.setKeepAliveTime(Math.max(1, Deadline.nanos(next.keepAlive())), TimeUnit.NANOSECONDS);
            }
            existing = gate;
            if (existing == null && next.prioritiesEnabled()) {
                gate = newGate(next);
            }
            settings = next;
        }
        // Outside the lock: new limits may start waiting tasks, and executors are never called under it.
        if (existing != null) {
            existing.setLimits(next.poolSize(), next.reserveNormal(), next.reserveHigh());
        }
    }

    private void applySizes(PoolSettings next) {
        ThreadPoolExecutor tpe = threadPool;
        if (tpe == null) {
            throw new IllegalStateException(name + " runs on a replaced executor (" + executor.getClass().getName()
                    + ") that it cannot resize: resize that executor directly");
        }
        int oldMax = tpe.getMaximumPoolSize();
        int oldCore = tpe.getCorePoolSize();
        setSizes(tpe, next.minSize(), next.maxSize());
        try {
            tpe.prestartAllCoreThreads();
        } catch (OutOfMemoryError e) {
            // The system refused a thread ("unable to create native thread"): keep the sizes that worked, so
            // that the settings say what the pool can do, and tell the caller rather than fail later runs.
            int started = tpe.getPoolSize();
            setSizes(tpe, oldCore, oldMax);
            throw new IllegalStateException(name + " could start only " + started + " of the " + next.minSize()
                    + " threads asked for (" + e.getMessage() + "): the sizes stay " + oldCore + " and " + oldMax
                    + "; ask for fewer threads, or raise the system's limit on threads", e);
        }
        if (scalingQueue != null && next.maxSize() > oldMax) {
            // A raised maximum adds no thread by itself: start threads for tasks already queued.
            int extra = Math.min(scalingQueue.size(), next.maxSize() - threads.live().get());
            for (int i = 0; i < extra; i++) {
                tpe.execute(NO_OP);
            }
        }
    }

    /** The JDK refuses a core size above the maximum at every step: grow the maximum first, shrink the core first. */
    private static void setSizes(ThreadPoolExecutor tpe, int core, int max) {
        if (max >= tpe.getCorePoolSize()) {
            tpe.setMaximumPoolSize(max);
            tpe.setCorePoolSize(core);
        } else {
            tpe.setCorePoolSize(core);
            tpe.setMaximumPoolSize(max);
        }
    }

    /**
     * Stops accepting tasks. Tasks already accepted, those held back by priority limits included, still
     * run; the threads end when the queue is empty.
     */
    void shutdown() {
        PoolHealthCheck check = healthCheck;
        if (check != null) {
            check.stop();
        }
        PriorityGate g = gate;
        if (g == null) {
            shutdownExecutors();
        } else {
            g.close(this::shutdownExecutors);
        }
    }

    private void shutdownExecutors() {
        executor.shutdown();
        overflow.shutdown();
    }

    /**
     * Waits until every accepted task has finished and the threads have ended.
     *
     * @return whether that happened within {@code timeout}
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Deadline.nanos(timeout);
        return executor.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)
                && overflow.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /**
     * Cancels what has not started (futures report cancellation) and interrupts running tasks.
     *
     * @return how many tasks were cancelled before they started
     */
    int shutdownNow() {
        shutdown();
        PriorityGate g = gate;
        int cancelled = g == null ? 0 : g.cancelWaiting();
        cancelled += cancelDropped(executor.shutdownNow());
        cancelled += cancelDropped(overflow.shutdownNow());
        return cancelled;
    }

    private static int cancelDropped(List<Runnable> dropped) {
        int cancelled = 0;
        for (Runnable r : dropped) {
            PoolTask<?> task = PoolTask.behind(r);
            if (task != null && task.cancel(false)) {
                cancelled++;
                task.run(); // skips the work, gives a priority slot back
            }
        }
        return cancelled;
    }

    /** Whether the calling thread is one of this pool's own (not known for a replacement executor's threads). */
    boolean isPoolThread() {
        return PoolThreads.ownerOfCurrentThread() == this;
    }

    /** Whether the pool refuses new tasks: it is shutting down or shut down. */
    boolean isShutdown() {
        return executor.isShutdown();
    }

    /** Whether every task has finished and every thread ended after a shutdown. */
    boolean isTerminated() {
        return executor.isTerminated() && overflow.isTerminated();
    }

    /** The settings in force. */
    PoolSettings settings() {
        return settings;
    }

    String name() {
        return name;
    }

    /** A point-in-time view of the pool; reading it changes no statistic. */
    PoolInfo info() {
        PoolSettings s = settings;
        PriorityGate g = gate;
        PoolHealthCheck check = healthCheck;
        ThreadPoolExecutor tpe = threadPool;
        int waiting = g == null ? 0 : g.waitingCount();
        boolean saturated = check != null && check.saturated();
        Duration latency = check == null ? null : check.lastLatency();
        if (tpe == null) {
            return new PoolInfo(-1, -1, -1, -1, -1, -1, waiting, -1, rejected.sum(), saturated, latency,
                    s.poolSize(), s.reserveNormal(), s.reserveHigh(), s.virtualThreads());
        }
        int overflowActive = overflow.getActiveCount();
        return new PoolInfo(tpe.getCorePoolSize(), tpe.getMaximumPoolSize(), tpe.getPoolSize() + overflow.getPoolSize(),
                tpe.getActiveCount() + overflowActive, tpe.getLargestPoolSize(), tpe.getQueue().size(), waiting,
                tpe.getCompletedTaskCount() + overflow.getCompletedTaskCount(), rejected.sum(), saturated, latency,
                s.poolSize(), s.reserveNormal(), s.reserveHigh(), s.virtualThreads());
    }
}
