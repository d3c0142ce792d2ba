package dev.tasksupervisor.aloop;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named event loop on a thread of its own, for asynchronous work that must not block (neotasker's
 * "aloop").
 *
 * <p>An <em>async function</em> is a {@link Callable} returning a {@link CompletionStage}: it is
 * called on the loop thread, must return quickly, and finishes when its stage completes. Waiting is
 * done with the loop's own timers ({@link #sleep}, {@link #schedule}), never by blocking the thread.
 * From any thread, {@link #spawn} starts an async function and returns its future at once, and
 * {@link #run} blocks until its result is there. {@link #executor()} runs plain tasks on the loop
 * thread, for example as the executor of {@code CompletableFuture}'s {@code *Async} methods.
 *
 * <p>Life cycle ({@link ALoopState}): {@code NEW → ACTIVE → STOPPING → STOPPED}. Stopping refuses new
 * async functions but lets pending ones finish, their timers and continuations included; the thread
 * ends as soon as nothing is pending, or at once when the work is cancelled. Aloops are normally
 * created, started and stopped by their {@code TaskSupervisor}.
 *
 * <p>Thread safety: every public method may be called from any thread. The loop thread is the only
 * one that runs loop work; {@code state} changes only under {@code lifecycle}, and
 * {@code pending} counts each unit of work from acceptance until it is done, so that the loop can
 * shut itself down when the last one finishes during {@code STOPPING}.
 */
public final class ALoop {

    private static final Logger log = LoggerFactory.getLogger(ALoop.class);

    private static final long FOREVER = Long.MAX_VALUE;

    private final String name;
    private final String threadName;
    private final boolean daemon;
    private final ScheduledThreadPoolExecutor executor;
    private final Executor loopExecutor = this::execute;

    /** Results of async functions spawned and not complete: cancelled when stop gives up on them. */
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    /** Timers made by {@link #sleep}: cancelled if the loop ends before they fire, so nobody waits forever. */
    private final Set<CompletableFuture<Void>> sleeps = ConcurrentHashMap.newKeySet();
    /** In-flight async functions plus tasks queued by {@link #execute}. */
    private final AtomicInteger pending = new AtomicInteger();

    private final Object lifecycle = new Object();
    /** Written only under {@code lifecycle}; read anywhere. */
    private volatile ALoopState state = ALoopState.NEW;
    /** The loop thread, once the executor has made it. */
    private volatile Thread thread;

    /**
     * Creates a loop that is not started yet. Prefer {@code TaskSupervisor.createAloop}, which names
     * the thread by the supervisor's rules and stops the loop with the supervisor.
     *
     * @param name the aloop's name
     * @param threadName the name of its thread
     * @param daemon whether the thread is a daemon thread (a non-daemon loop keeps the JVM alive until
     *     it is stopped)
     */
    public ALoop(String name, String threadName, boolean daemon) {
        this.name = requireText(name, "name");
        this.threadName = requireText(threadName, "threadName");
        this.daemon = daemon;
        this.executor = new ScheduledThreadPoolExecutor(1, this::newThread) {
            @Override
            protected void terminated() {
                onTerminated();
            }
        };
        // Cancelled timers leave the queue at once, and nothing scheduled outlives the loop.
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("aloop " + what + " must not be empty");
        }
        return value;
    }

    private Thread newThread(Runnable runnable) {
        Thread t = new Thread(runnable, threadName);
        t.setDaemon(daemon);
        thread = t;
        return t;
    }

    /** Starts the loop thread; a loop that is already active is left as it is. */
    public void start() {
        synchronized (lifecycle) {
            if (state == ALoopState.ACTIVE) {
                return;
            }
            if (!state.canMoveTo(ALoopState.ACTIVE)) {
                throw new IllegalStateException(
                        "aloop '" + name + "' is " + state + " and cannot start again: create a new aloop");
            }
            executor.prestartCoreThread();
            moveTo(ALoopState.ACTIVE);
        }
    }

    /**
     * Starts an async function on the loop thread and returns its result at once. Cancelling the
     * returned future cancels the function's own stage too, where that stage allows it.
     *
     * @throws IllegalStateException if the loop was never started
     * @throws RejectedExecutionException if the loop is stopping or stopped
     */
    public <T> CompletableFuture<T> spawn(Callable<? extends CompletionStage<T>> function) {
        Objects.requireNonNull(function, "function");
        ALoopState current = state;
        if (current != ALoopState.ACTIVE) {
            throw refused(current);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        inFlight.add(result);
        pending.incrementAndGet();
        result.whenComplete((value, error) -> {
            inFlight.remove(result);
            workDone();
        });
        try {
            executor.execute(() -> begin(function, result));
        } catch (RejectedExecutionException e) {
            // stop() won the race with this spawn.
            RuntimeException refusal = refused(state);
            result.completeExceptionally(refusal);
            throw refusal;
        }
        return result;
    }

    private <T> void begin(Callable<? extends CompletionStage<T>> function, CompletableFuture<T> result) {
        if (result.isDone()) {
            return; // cancelled before it could start
        }
        CompletionStage<T> stage;
        try {
            stage = function.call();
        } catch (Throwable t) {
            result.completeExceptionally(t);
            return;
        }
        if (stage == null) {
            result.completeExceptionally(new IllegalStateException(
                    "an async function on aloop '" + name + "' returned null: return a CompletionStage, "
                            + "for example CompletableFuture.completedFuture(value)"));
            return;
        }
        stage.whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(unwrap(error));
            } else {
                result.complete(value);
            }
        });
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                cancelQuietly(stage);
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static void cancelQuietly(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException e) {
            // A stage that cannot be viewed as a future cannot be cancelled either; its result is ignored.
        }
    }

    /**
     * Runs an async function on the loop and blocks the calling thread until it completes.
     *
     * @throws ExecutionException wrapping what the function failed with
     * @throws java.util.concurrent.CancellationException if the loop cancelled it while stopping
     * @throws IllegalStateException if called on the loop thread itself, which would wait forever
     */
    public <T> T run(Callable<? extends CompletionStage<T>> function) throws InterruptedException, ExecutionException {
        if (inLoop()) {
            throw new IllegalStateException("run() on aloop '" + name + "' was called from the loop's own thread, "
                    + "where blocking would wait forever: use spawn() and compose the returned stage");
        }
        return spawn(function).get();
    }

    /**
     * A stage that completes on the loop thread after {@code delay}: the non-blocking sleep for async
     * functions. If the loop ends first, the stage is cancelled.
     */
    public CompletableFuture<Void> sleep(Duration delay) {
        long nanos = requireNonNegative(delay, "delay");
        if (state == ALoopState.NEW) {
            throw refused(ALoopState.NEW);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        sleeps.add(done);
        ScheduledFuture<?> timer;
        try {
            timer = executor.schedule(() -> done.complete(null), nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            sleeps.remove(done);
            throw refused(state);
        }
        done.whenComplete((value, error) -> {
            sleeps.remove(done);
            if (done.isCancelled()) {
                timer.cancel(false);
            }
        });
        return done;
    }

    /** Runs {@code task} once on the loop thread after {@code delay}. Exceptions are logged. */
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        long nanos = requireNonNegative(delay, "delay");
        Runnable logged = logged(task);
        return submitTimer(() -> executor.schedule(logged, nanos, TimeUnit.NANOSECONDS));
    }

    /**
     * Runs {@code task} on the loop thread every {@code period}, measured from the first start (no
     * drift); a late run is not repeated to catch up. Exceptions are logged and the timer goes on.
     */
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period) {
        long first = requireNonNegative(initialDelay, "initialDelay");
        long every = requirePositive(period, "period");
        Runnable logged = logged(task);
        return submitTimer(() -> executor.scheduleAtFixedRate(logged, first, every, TimeUnit.NANOSECONDS));
    }

    /**
     * Runs {@code task} on the loop thread, {@code delay} after each run ends. Exceptions are logged
     * and the timer goes on.
     */
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
        long first = requireNonNegative(initialDelay, "initialDelay");
        long every = requirePositive(delay, "delay");
        Runnable logged = logged(task);
        return submitTimer(() -> executor.scheduleWithFixedDelay(logged, first, every, TimeUnit.NANOSECONDS));
    }

    private ScheduledFuture<?> submitTimer(java.util.function.Supplier<ScheduledFuture<?>> submit) {
        if (state == ALoopState.NEW) {
            throw refused(ALoopState.NEW);
        }
        try {
            return submit.get();
        } catch (RejectedExecutionException e) {
            throw refused(state);
        }
    }

    /**
     * An executor that runs tasks on the loop thread, in order. Usable while the loop is active or
     * still finishing its pending work; tasks waiting in it count as pending.
     */
    public Executor executor() {
        return loopExecutor;
    }

    private void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (state == ALoopState.NEW) {
            throw refused(ALoopState.NEW);
        }
        pending.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    log.error("A task on aloop '{}' failed", name, t);
                } finally {
                    workDone();
                }
            });
        } catch (RejectedExecutionException e) {
            workDone();
            throw refused(state);
        }
    }

    private Runnable logged(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("A timer task on aloop '{}' failed", name, t);
            }
        };
    }

    /** The one place {@code state} changes. Caller holds {@code lifecycle}. */
    private void moveTo(ALoopState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("aloop '" + name + "' cannot go from " + state + " to " + next);
        }
        state = next;
    }

    private void workDone() {
        // The last piece of pending work ends a stopping loop: the thread exits without being told again.
        if (pending.decrementAndGet() == 0 && state == ALoopState.STOPPING) {
            executor.shutdown();
        }
    }

    /** Stops the loop after its pending work is done, waiting for that as long as it takes. */
    public void stop() {
        stop(true, FOREVER, false);
    }

    /**
     * Stops the loop, waiting at most {@code timeout} for pending work; what is still pending then is
     * cancelled.
     *
     * @return how many pieces of pending work were cancelled
     */
    public int stop(Duration timeout) {
        return stop(true, requireNonNegative(timeout, "timeout"), false);
    }

    /**
     * Stops the loop, waiting at most {@code timeout}; with {@code cancelTasks} pending work is cancelled at
     * once, else after the timeout.
     *
     * @return how many pieces of pending work were cancelled
     */
    public int stop(Duration timeout, boolean cancelTasks) {
        return stop(true, requireNonNegative(timeout, "timeout"), cancelTasks);
    }

    /**
     * Stops the loop with neotasker's flags.
     *
     * @param wait whether to wait until the loop thread has ended; {@code false} returns at once and the
     *     loop ends by itself when its pending work is done
     * @param cancelTasks whether to cancel pending work now instead of letting it finish
     * @return how many pieces of pending work were cancelled
     */
    public int stop(boolean wait, boolean cancelTasks) {
        return stop(wait, FOREVER, cancelTasks);
    }

    private int stop(boolean wait, long timeoutNanos, boolean cancelNow) {
        synchronized (lifecycle) {
            if (state == ALoopState.NEW) {
                moveTo(ALoopState.STOPPED);
                executor.shutdownNow();
                return 0;
            }
            if (state == ALoopState.ACTIVE) {
                moveTo(ALoopState.STOPPING);
            }
        }
        int cancelled = 0;
        if (cancelNow) {
            cancelled = cancelPending();
        } else if (pending.get() == 0) {
            executor.shutdown();
        }
        if (!wait || inLoop()) {
            return cancelled; // the loop thread cannot wait for itself to end
        }
        try {
            boolean ended = executor.awaitTermination(timeoutNanos, TimeUnit.NANOSECONDS);
            if (!ended) {
                log.warn("Aloop '{}' still had {} pending after {} ms: cancelling it", name, pending.get(),
                        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                cancelled += cancelPending();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled += cancelPending();
        }
        return cancelled;
    }

    /** Cancels every piece of pending work; returns how many there were. */
    private int cancelPending() {
        int cancelled = pending.get();
        // Shut down first: a spawn racing with this cancel is then refused (and its future failed)
        // instead of slipping in after the walk below with a start that never runs.
        executor.shutdownNow(); // drops queued tasks and timers, interrupts what is running
        for (CompletableFuture<?> work : inFlight) {
            work.cancel(false);
        }
        return cancelled;
    }

    private void onTerminated() {
        synchronized (lifecycle) {
            if (state != ALoopState.STOPPED) {
                moveTo(ALoopState.STOPPED);
            }
        }
        for (CompletableFuture<Void> timer : sleeps) {
            timer.cancel(false);
        }
        log.debug("Aloop '{}' stopped", name);
    }

    /**
     * Waits until the loop thread has ended.
     *
     * @return whether it ended within {@code timeout}
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(requireNonNegative(timeout, "timeout"), TimeUnit.NANOSECONDS);
    }

    private RuntimeException refused(ALoopState current) {
        if (current == ALoopState.NEW) {
            return new IllegalStateException("aloop '" + name + "' is not started: start it (or create it with "
                    + "start = true) before giving it work");
        }
        return new RejectedExecutionException("aloop '" + name + "' is " + current + " and accepts no new work");
    }

    private static long requireNonNegative(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + duration);
        }
        return saturatedNanos(duration);
    }

    private static long requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + duration);
        }
        return saturatedNanos(duration);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return FOREVER;
        }
    }

    /** Whether the calling thread is this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The aloop's name. */
    public String getName() {
        return name;
    }

    /** The name of the loop thread. */
    public String getThreadName() {
        return threadName;
    }

    /** Whether the loop thread is a daemon thread. */
    public boolean isDaemon() {
        return daemon;
    }

    /** Whether the loop accepts new async functions. */
    public boolean isActive() {
        return state == ALoopState.ACTIVE;
    }

    /** The loop's life-cycle state. */
    public ALoopState getState() {
        return state;
    }

    /** Async functions not yet complete plus tasks waiting to run; 0 once stopped. */
    public int getPending() {
        return state == ALoopState.STOPPED ? 0 : pending.get();
    }

    /**
     * A point-in-time view of this loop.
     *
     * @param isDefault whether the owning supervisor uses it as its default aloop
     */
    public ALoopInfo info(boolean isDefault) {
        ALoopState current = state;
        return new ALoopInfo(name, isDefault, daemon, current == ALoopState.ACTIVE, current, threadName, getPending());
    }

    @Override
    public String toString() {
        return "ALoop[" + name + ", " + state + "]";
    }
}
