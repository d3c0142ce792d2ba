package dev.tasksupervisor;

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
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.aloop.AloopInfo;
import dev.tasksupervisor.aloop.AloopState;
import dev.tasksupervisor.lifecycle.Deadline;
import dev.tasksupervisor.lifecycle.StopReport;

/**
 * The {@link Aloop} of a {@link TaskSupervisor}: one thread, a {@link ScheduledThreadPoolExecutor} of
 * one, running async functions, their continuations and the loop's timers in order.
 *
 * <p>Thread safety: every method may be called from any thread. The loop thread is the only one that
 * runs loop work; {@code state} changes only under {@code lifecycle} ({@link #moveTo}), and
 * {@code pending} counts each unit of work from acceptance until it is done, so that a stopping loop
 * shuts itself down when the last one finishes:
 *
 * <pre>
 * NEW      -- start() ------------------------------------------&gt; ACTIVE
 * NEW      -- requestStop() ------------------------------------&gt; STOPPED   (no thread was ever made)
 * ACTIVE   -- requestStop() ------------------------------------&gt; STOPPING  (new async functions refused)
 * STOPPING -- the last pending work done, or forceStop() -------&gt; STOPPED   (the thread ended: terminated())
 * </pre>
 *
 * <p>Why one long class: the loop thread, its timers and the pending-work count that a stop waits on are
 * one state machine ({@code pending} and {@code shutdown} handshake with each other), behind the one
 * {@link Aloop} interface.
 */
final class ThreadAloop implements Aloop {

    private static final Logger log = LoggerFactory.getLogger(ThreadAloop.class);

    private final String name;
    private final String threadName;
    private final boolean daemon;
    /** Whether the supervisor uses a loop as its default aloop now. */
    private final Predicate<Aloop> isDefault;
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
    private volatile AloopState state = AloopState.NEW;
    /** The loop thread, once the executor has made it. */
    private volatile Thread thread;

    /**
     * A loop that is not started yet.
     *
     * @param name the aloop's name
     * @param threadName the name of its thread
     * @param daemon whether the thread is a daemon thread (a non-daemon loop keeps the JVM alive until it
     *     is stopped)
     * @param isDefault whether a loop is its supervisor's default aloop now
     */
    ThreadAloop(String name, String threadName, boolean daemon, Predicate<Aloop> isDefault) {
        this.name = requireText(name, "name");
        this.threadName = requireText(threadName, "threadName");
        this.daemon = daemon;
        this.isDefault = isDefault;
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
    void start() {
        synchronized (lifecycle) {
            if (state == AloopState.ACTIVE) {
                return;
            }
            if (!state.canMoveTo(AloopState.ACTIVE)) {
                throw new IllegalStateException(
                        "aloop '" + name + "' is " + state + " and cannot start again: create a new aloop");
            }
            executor.prestartCoreThread();
            moveTo(AloopState.ACTIVE);
        }
    }

    @Override
    public <T> CompletableFuture<T> spawn(Callable<? extends CompletionStage<T>> function) {
        Objects.requireNonNull(function, "function");
        AloopState current = state;
        if (current != AloopState.ACTIVE) {
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

    @Override
    public <T> T run(Callable<? extends CompletionStage<T>> function) throws InterruptedException, ExecutionException {
        if (inLoop()) {
            throw new IllegalStateException("run() on aloop '" + name + "' was called from the loop's own thread, "
                    + "where blocking would wait forever: use spawn() and compose the returned stage");
        }
        return spawn(function).get();
    }

    @Override
    public CompletableFuture<Void> sleep(Duration delay) {
        long nanos = requireNonNegative(delay, "delay");
        if (state == AloopState.NEW) {
            throw refused(AloopState.NEW);
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

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        long nanos = requireNonNegative(delay, "delay");
        Runnable logged = logged(task);
        return submitTimer(() -> executor.schedule(logged, nanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period) {
        long first = requireNonNegative(initialDelay, "initialDelay");
        long every = requirePositive(period, "period");
        Runnable logged = logged(task);
        return submitTimer(() -> executor.scheduleAtFixedRate(logged, first, every, TimeUnit.NANOSECONDS));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
        long first = requireNonNegative(initialDelay, "initialDelay");
        long every = requirePositive(delay, "delay");
        Runnable logged = logged(task);
        return submitTimer(() -> executor.scheduleWithFixedDelay(logged, first, every, TimeUnit.NANOSECONDS));
    }

    private ScheduledFuture<?> submitTimer(Supplier<ScheduledFuture<?>> submit) {
        if (state == AloopState.NEW) {
            throw refused(AloopState.NEW);
        }
        try {
            return submit.get();
        } catch (RejectedExecutionException e) {
            throw refused(state);
        }
    }

    @Override
    public Executor executor() {
        return loopExecutor;
    }

    private void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (state == AloopState.NEW) {
            throw refused(AloopState.NEW);
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
    private void moveTo(AloopState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("aloop '" + name + "' cannot go from " + state + " to " + next);
        }
        state = next;
    }

    private void workDone() {
        // The last piece of pending work ends a stopping loop: the thread exits without being told again.
        if (pending.decrementAndGet() == 0 && state == AloopState.STOPPING) {
            executor.shutdown();
        }
    }

    @Override
    public void requestStop() {
        synchronized (lifecycle) {
            if (state == AloopState.NEW) {
                moveTo(AloopState.STOPPED);
                executor.shutdownNow();
                return;
            }
            if (state == AloopState.ACTIVE) {
                moveTo(AloopState.STOPPING);
            }
        }
        if (pending.get() == 0) {
            executor.shutdown(); // nothing to finish: the thread ends now
        }
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        if (inLoop()) {
            return state == AloopState.STOPPED; // the loop thread cannot wait for itself to end
        }
        return executor.awaitTermination(Deadline.nanos(timeout), TimeUnit.NANOSECONDS);
    }

    /** Cancels what is pending, and gives the thread {@link #FORCE_GRACE} to end. */
    @Override
    public StopReport forceStop() {
        return forceStop(Deadline.after(FORCE_GRACE));
    }

    /** Cancels what is pending, and gives the thread until {@code grace} to end. */
    @Override
    public StopReport forceStop(Deadline grace) {
        long began = System.nanoTime();
        requestStop();
        int cancelled = cancelPending();
        if (cancelled > 0) {
            log.warn("Aloop '{}': cancelled {} piece(s) of pending work", name, cancelled);
        }
        try {
            awaitStop(grace.remaining());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return StopReport.builder().cancelledAloopWork(name, cancelled).build(Duration.ofNanos(System.nanoTime() - began));
    }

    /** How long a forced stop waits for the loop thread to end, after cancelling what it had. */
    private static final Duration FORCE_GRACE = Duration.ofMillis(100);

    @Override
    public StopReport stop(Deadline deadline) {
        if (inLoop()) { // the loop thread cannot wait for itself to end: ask, and return
            requestStop();
            return StopReport.underWay(Duration.ZERO);
        }
        return Aloop.super.stop(deadline);
    }

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
            if (state != AloopState.STOPPED) {
                moveTo(AloopState.STOPPED);
            }
        }
        for (CompletableFuture<Void> timer : sleeps) {
            timer.cancel(false);
        }
        log.debug("Aloop '{}' stopped", name);
    }

    private RuntimeException refused(AloopState current) {
        if (current == AloopState.NEW) {
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
        return Deadline.nanos(duration);
    }

    private static long requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + duration);
        }
        return Deadline.nanos(duration);
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getThreadName() {
        return threadName;
    }

    @Override
    public boolean isDaemon() {
        return daemon;
    }

    @Override
    public boolean isActive() {
        return state == AloopState.ACTIVE;
    }

    @Override
    public AloopState getState() {
        return state;
    }

    @Override
    public int getPending() {
        return state == AloopState.STOPPED ? 0 : pending.get();
    }

    @Override
    public AloopInfo info() {
        return new AloopInfo(name, isDefault.test(this), daemon, state, threadName, getPending());
    }

    @Override
    public String toString() {
        return "Aloop[" + name + ", " + state + "]";
    }
}
