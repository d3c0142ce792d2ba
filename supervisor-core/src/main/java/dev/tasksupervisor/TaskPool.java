package dev.tasksupervisor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <h2>Resizing</h2>
 * A resize never waits for threads to start (thousands take seconds, and the caller may be an HTTP
 * request): what starts no thread (a larger maximum, a smaller core) is applied at once, and a larger
 * {@code minSize} is reached by a <em>grower</em>, a short-lived daemon thread that raises the executor's
 * core size one thread at a time, starting each thread outside {@code configLock}, towards the
 * {@code minSize} of the latest settings (a resize while it runs changes its goal). {@link #info()} shows the
 * sizes asked for at once, and {@code currentSize} the threads started so far. If the system refuses a
 * thread ({@code OutOfMemoryError: unable to create native thread}) the growth ends, the sizes go back to
 * those the pool last reached in full, and the reason is logged at ERROR and kept in
 * {@link PoolInfo#growthFailure()} until the sizes change again: settings that the pool cannot reach are
 * never left standing (neither are tasks accepted for threads that will never start).
 *
 * <p>Thread safety: every method may be called from any thread. {@code settings} and
 * {@code gate}, and the executor's sizes, are written only under {@code configLock} (resizes, setting
 * changes and the grower's steps are serialised) and read without it; the grower fields below are guarded
 * by {@code configLock}. No thread starts under {@code configLock} but the one a grower's step may start for
 * a queued task (the executor does that as its core size rises), so a resize waits for one thread start at
 * most.
 *
 * <p>Why one long class: the executor, the priority gate, resizing and the grower share {@code configLock}
 * and its invariant (sizes, gate and settings change together); split, each part would take the lock of
 * another.
 */
final class TaskPool {

    private static final Logger log = LoggerFactory.getLogger(TaskPool.class);
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

    /** The name of the thread that starts the threads of a raised minSize. */
    private final String growerName;
    /**
     * The sizes the executor last reached in full (at construction, after a change that started no thread,
     * and when a grower started every thread asked for): what a refused growth goes back to. Guarded by
     * {@code configLock}.
     */
    private int reachedMin;
    private int reachedMax;
    /** Whether a grower runs; guarded by {@code configLock}. */
    private boolean growing;
    /** Whether the grower should start threads for the tasks queued when maxSize rose; guarded by {@code configLock}. */
    private boolean startForQueued;
    /** Why the last growth was refused, until the sizes change again; written under {@code configLock}. */
    private volatile String growthFailure;

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
        this(name, threadNamePrefix, settings, replacement, decorator, null);
    }

    /**
     * As the other constructor, with the pool's threads made by {@code threadMaker} rather than as the
     * settings say ({@code null}: as they say): for tests whose threads are slow to start, or refuse to as a
     * system out of threads does.
     */
    TaskPool(String name, String threadNamePrefix, PoolSettings settings, ExecutorService replacement,
            UnaryOperator<Runnable> decorator, ThreadFactory threadMaker) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.decorator = decorator;
        this.growerName = threadNamePrefix + "grower";
        if (replacement == null) {
            threads = (threadMaker != null ? PoolThreads.of(threadMaker) : settings.virtualThreads()
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
        if (threadPool != null) {
            reachedMin = threadPool.getCorePoolSize();
            reachedMax = threadPool.getMaximumPoolSize();
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
     * blocked. Validates before changing anything, and returns at once: the threads a larger
     * {@code minSize} asks for start in the background (see the class comment), and if the system refuses
     * them the sizes go back to those before.
     *
     * @throws IllegalArgumentException if a size is negative or {@code minSize > maxSize}
     * @throws IllegalStateException if the pool was replaced by an executor that cannot be resized, or the
     *     system refused even the one thread that would start the others (the sizes are then left as they were)
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

    /**
     * Sets what starts no thread now and leaves the rest to a grower; the caller holds {@code configLock} and
     * sets {@code settings} to {@code next} before it lets go, so the grower, which takes the lock first,
     * works towards {@code next}.
     */
    private void applySizes(PoolSettings next) {
        ThreadPoolExecutor tpe = threadPool;
        if (tpe == null) {
            throw new IllegalStateException(name + " runs on a replaced executor (" + executor.getClass().getName()
                    + ") that it cannot resize: resize that executor directly");
        }
        int oldCore = tpe.getCorePoolSize();
        int oldMax = tpe.getMaximumPoolSize();
        // None of these starts a thread: a larger maximum adds none by itself, a smaller core none either.
        if (next.maxSize() > oldMax) {
            tpe.setMaximumPoolSize(next.maxSize());
        }
        if (next.minSize() < oldCore) {
            tpe.setCorePoolSize(next.minSize());
        }
        if (next.maxSize() < oldMax) {
            tpe.setMaximumPoolSize(next.maxSize());
        }
        growthFailure = null;
        // A raised maximum adds no thread for tasks already queued: the grower starts some for them.
        startForQueued |= scalingQueue != null && next.maxSize() > oldMax && !scalingQueue.isEmpty();
        if (next.minSize() <= tpe.getCorePoolSize() && !startForQueued) {
            if (!growing) {
                reachedMin = next.minSize();
                reachedMax = next.maxSize();
            }
            return;
        }
        if (growing) {
            return; // the grower running reads the new settings at its next step
        }
        Thread grower = new Thread(this::grow, growerName);
        grower.setDaemon(true); // like the pool's threads: it must not keep the JVM from exiting
        try {
            grower.start();
        } catch (OutOfMemoryError e) {
            startForQueued = false;
            setSizes(tpe, oldCore, oldMax);
            throw new IllegalStateException(name + " could not start the thread that would start the " + next.minSize()
                    + " threads asked for (" + e.getMessage() + "): the sizes stay " + oldCore + " and " + oldMax
                    + "; ask for fewer threads, or raise the system's limit on threads", e);
        }
        growing = true;
    }

    /**
     * The grower's loop: one step of the core size at a time under {@code configLock}, each thread started
     * outside it, until the core is the latest settings' {@code minSize}; then threads for the tasks queued
     * when the maximum rose. Ends when there is nothing left to start, the pool stops, or a thread is refused.
     */
    private void grow() {
        ThreadPoolExecutor tpe = threadPool;
        try {
            for (;;) {
                int forQueued = 0;
                synchronized (configLock) {
                    int core = tpe.getCorePoolSize();
                    if (tpe.isShutdown()) {
                        growing = false;
                        startForQueued = false;
                        return;
                    }
                    if (core < settings.minSize()) {
                        tpe.setCorePoolSize(core + 1); // starts a thread here only for a queued task: one at most
                    } else if (startForQueued) {
                        startForQueued = false;
                        forQueued = Math.max(0, Math.min(scalingQueue.size(),
                                tpe.getMaximumPoolSize() - threads.live().get()));
                    } else {
                        growing = false;
                        reachedMin = settings.minSize();
                        reachedMax = settings.maxSize();
                        return;
                    }
                }
                if (forQueued == 0) {
                    tpe.prestartCoreThread(); // none if threads above the old core already make up the new one
                }
                for (int i = 0; i < forQueued; i++) {
                    tpe.execute(NO_OP);
                }
            }
        } catch (OutOfMemoryError e) {
            refused(tpe, e);
        } catch (RejectedExecutionException e) {
            synchronized (configLock) { // the pool stopped while the grower started threads for queued tasks
                growing = false;
                startForQueued = false;
            }
        }
    }

    /**
     * The system refused a thread: back to the sizes last reached, so that the settings say what the pool
     * can do, and the reason kept and logged rather than left for later tasks to find.
     */
    private void refused(ThreadPoolExecutor tpe, OutOfMemoryError error) {
        String failure;
        synchronized (configLock) {
            growing = false;
            startForQueued = false;
            PoolSettings asked = settings;
            int started = tpe.getPoolSize();
            setSizes(tpe, reachedMin, reachedMax);
            settings = asked.toBuilder().minSize(reachedMin).maxSize(reachedMax).build();
            failure = name + " could start only " + started + " threads of the " + asked.minSize() + ".."
                    + asked.maxSize() + " it was resized to (" + error.getMessage() + "): its sizes went back to "
                    + reachedMin + " and " + reachedMax + "; ask for fewer threads, or raise the system's limit on threads";
            growthFailure = failure;
        }
        log.error(failure);
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
                    s.poolSize(), s.reserveNormal(), s.reserveHigh(), s.virtualThreads(), null);
        }
        int overflowActive = overflow.getActiveCount();
        // Our own pool's sizes are the settings' (its core reaches minSize as the grower starts threads); a
        // replacement executor's are its own, which the settings do not describe before a resize.
        boolean own = scalingQueue != null;
        return new PoolInfo(own ? s.minSize() : tpe.getCorePoolSize(), own ? s.maxSize() : tpe.getMaximumPoolSize(),
                tpe.getPoolSize() + overflow.getPoolSize(),
                tpe.getActiveCount() + overflowActive, tpe.getLargestPoolSize(), tpe.getQueue().size(), waiting,
                tpe.getCompletedTaskCount() + overflow.getCompletedTaskCount(), rejected.sum(), saturated, latency,
                s.poolSize(), s.reserveNormal(), s.reserveHigh(), s.virtualThreads(), growthFailure);
    }
}
