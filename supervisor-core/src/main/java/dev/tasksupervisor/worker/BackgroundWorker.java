package dev.tasksupervisor.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.Scheduler;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.ALoop;

/**
 * What every worker shares: a name, a target, the object {@code o} and the error handler, the
 * life cycle ({@link WorkerState}) with its hooks, the run statistics, and running the target once
 * on the right thread: a pool thread for a sync target, the worker's aloop for an async one.
 *
 * <p>The kinds ({@link ContinuousWorker}, {@link IntervalWorker}, {@link QueueWorker},
 * {@link EventWorker}) decide <em>when</em> the target runs, and guarantee that it never runs twice at
 * once: each dispatches a run only while it holds its own "running" flag, released when the run ends.
 * Subclasses may override the hooks {@link #beforeStart}, {@link #afterStart}, {@link #beforeStop}
 * and {@link #afterStop}, and the kinds' {@code run} methods instead of passing a target.
 *
 * <p>Interval and event workers may have a {@link RunGuard}, asked on a pool thread before each run
 * ({@link #dispatchRun}); a run it refuses is a skip, counted apart from runs and failures.
 *
 * <p>Thread safety: public methods may be called from any thread. {@code state} changes only in
 * {@link #moveTo}, under {@code lifecycle}; waiters for the end of a stop wait on {@code lifecycle}.
 * Settings ({@code set*}) are read at start; change them while the worker is not active.
 */
public abstract class BackgroundWorker implements Scheduler {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWorker.class);
    /** Timeouts this long or longer mean "wait as long as it takes" (and cannot overflow a deadline). */
    private static final long FOREVER = Long.MAX_VALUE / 4;
    private static final long NEVER = Long.MIN_VALUE;
    private static final VarHandle LAST_RUN_STARTED_NANOS;
    private static final VarHandle LAST_RUN_NANOS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LAST_RUN_STARTED_NANOS = lookup.findVarHandle(BackgroundWorker.class, "lastRunStartedNanos", long.class);
            LAST_RUN_NANOS = lookup.findVarHandle(BackgroundWorker.class, "lastRunNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TaskSupervisor supervisor;
    private final WorkerTarget<?> target;
    private final boolean async;
    private final String configuredName;

    private volatile Object object;
    private volatile WorkerErrorHandler errorHandler = WorkerErrorHandler.LOG_AND_CONTINUE;
    private volatile String aloopName;
    private volatile Duration pollDelay;
    /** Asked before each run of an interval or event worker; null, the default, lets every run go ahead. */
    private volatile RunGuard runGuard;

    /** Per start: written under {@code lifecycle} before the worker becomes ACTIVE. */
    private volatile String name;
    private volatile WorkerContext context;
    private volatile ALoop aloop;
    /** The supervisor's task decorator for a sync target, else null; see {@link #captureRun}. */
    private volatile UnaryOperator<Runnable> runDecorator;

    private final Object lifecycle = new Object();
    private volatile WorkerState state = WorkerState.NEW;

    /** Counts starts, so work left over from an earlier start can tell it is stale. */
    private volatile long generation;

    /*
     * Run statistics. One thread at a time writes runs, lastRunStartedNanos and lastRunNanos: the one
     * that ends a run (the runner, or for an async run the thread completing or cancelling its stage).
     * Runs of one worker never overlap and each kind's hand-over from one run to the next orders
     * successive writers, so they are written with release stores, not full fences: a queue worker
     * pays this per item, and readers (info()) only need a recent value.
     */
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Runs the run guard refused: not runs, so neither {@code runs} nor {@code failures} counts them. */
    private final AtomicLong skips = new AtomicLong();
    private final AtomicInteger runsInProgress = new AtomicInteger();
    /** System.nanoTime() when the last run started, NEVER before the first: one clock read per run, not two. */
    private volatile long lastRunStartedNanos = NEVER;
    private volatile long lastRunNanos = -1;
    /** When the current series' last run ended; only the series' own thread touches it. */
    private long seriesClock;
    /** The thread running a sync target now, so a forced stop can interrupt it. */
    private volatile Thread runner;
    /** The async run in progress, so a forced stop can cancel it. */
    private volatile CompletableFuture<?> asyncRun;

    /**
     * @param supervisor the supervisor whose pool (or aloop) runs the target
     * @param name the worker's name, unique among the supervisor's workers
     * @param target what to run, or {@code null} when a subclass overrides its kind's {@code run}
     * @param async whether the target returns a {@code CompletionStage} and runs on an aloop
     */
    protected BackgroundWorker(TaskSupervisor supervisor, String name, WorkerTarget<?> target, boolean async) {
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("worker name must not be empty: give the worker a name");
        }
        this.configuredName = name;
        this.name = name;
        this.target = target;
        this.async = async;
    }

    /**
     * Whether {@code target} is async; for the constructors of the kinds that take a target, so that a
     * missing one fails naming the worker rather than with a bare {@code NullPointerException}.
     */
    static boolean isAsync(WorkerTarget<?> target, String name) {
        if (target == null) {
            throw new NullPointerException("worker '" + name + "' has no target: pass a WorkerTarget, or extend the "
                    + "worker class and override its run method");
        }
        return target.isAsync();
    }

    /** What makes this worker run: its kind. */
    public abstract WorkerKind getKind();

    /** How it is scheduled, for people: {@code "every PT1S"}, {@code "per item"}, ... */
    public abstract String getSchedule();

    // ------------------------------------------------------------------ settings

    /** The object handed to the target through {@link WorkerContext#object()} ({@code o} in neotasker). */
    public void setObject(Object object) {
        this.object = object;
    }

    /** What to do about a failed run; the default logs it at ERROR with the worker's name and goes on. */
    public void setErrorHandler(WorkerErrorHandler errorHandler) {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
    }

    /** The aloop an async target runs on; by default the supervisor's default aloop. */
    public void setAloop(String aloopName) {
        this.aloopName = aloopName;
    }

    /**
     * This worker's own poll delay (how long an event worker waits before a coalesced run, how long a
     * batch lingers to fill); {@code null}, the default, follows the supervisor's.
     *
     * @throws IllegalArgumentException if negative
     */
    public void setPollDelay(Duration pollDelay) {
        if (pollDelay != null && pollDelay.isNegative()) {
            throw new IllegalArgumentException("worker '" + configuredName + "': poll delay must not be negative, was "
                    + pollDelay);
        }
        this.pollDelay = pollDelay;
    }

    /**
     * Makes each run first ask {@code guard} (a lock shared by several instances of the application): a run
     * it refuses is skipped, see {@link RunGuard}. Takes effect from the next run; {@code null} removes it.
     *
     * @throws IllegalArgumentException for a kind other than interval and event: a queue worker runs per
     *     item and a continuous one again and again, so a guard asked before each of their runs would be
     *     another feature (and a continuous worker refused by it would spin)
     */
    public void setRunGuard(RunGuard guard) {
        WorkerKind kind = getKind();
        if (guard != null && kind != WorkerKind.INTERVAL && kind != WorkerKind.EVENT) {
            throw new IllegalArgumentException("worker '" + configuredName + "' is a " + kind + " worker: a run guard "
                    + "applies to interval and event workers only");
        }
        this.runGuard = guard;
    }

    /** The guard asked before each run, or {@code null}. */
    public RunGuard getRunGuard() {
        return runGuard;
    }

    /** The poll delay in force for this worker: its own, or else the supervisor's. */
    public Duration getPollDelay() {
        Duration own = pollDelay;
        return own != null ? own : supervisor.getPollDelay();
    }

    // ------------------------------------------------------------------ life cycle

    /** Starts the worker with its own settings. */
    public void start() {
        start(WorkerStart.defaults());
    }

    /**
     * Starts the worker with start-time overrides, and registers it with its supervisor.
     *
     * @throws IllegalStateException if the supervisor is not active, the worker is already active or
     *     still finishing a run from before, or an async target finds no aloop
     * @throws IllegalArgumentException if another worker has the name, or a setting is invalid
     */
    public void start(WorkerStart overrides) {
        Objects.requireNonNull(overrides, "overrides");
        synchronized (lifecycle) {
            if (state == WorkerState.ACTIVE) {
                throw new IllegalStateException("worker '" + name + "' is already ACTIVE: stop it before starting it "
                        + "again (or call restart())");
            }
            if (state == WorkerState.STOPPING) {
                throw new IllegalStateException("worker '" + name + "' is still STOPPING (finishing its run or "
                        + "draining its queue): start it once it has stopped (awaitStop)");
            }
            if (!supervisor.isActive()) {
                throw new IllegalStateException("worker '" + name + "' cannot start: task supervisor '"
                        + supervisor.getId() + "' is " + supervisor.getState() + "; start the supervisor first");
            }
            if (runsInProgress.get() > 0) {
                throw new IllegalStateException("worker '" + name + "' is still finishing a run from before it "
                        + "was stopped (its target ignored the interruption): start it once that run has ended");
            }
            String startName = overrides.name() != null ? overrides.name() : configuredName;
            ALoop loop = async ? resolveAloop(startName, overrides.aloop()) : null;
            configure(overrides);
            String previousName = name;
            name = startName;
            try {
                supervisor.registerScheduler(this);
            } catch (RuntimeException e) {
                name = previousName;
                throw e;
            }
            aloop = loop;
            runDecorator = async ? null : supervisor.getTaskDecorator();
            context = new WorkerContext(this, startName, object, overrides.arguments());
            beforeStart();
            generation++;
            moveTo(WorkerState.ACTIVE);
            try {
                onStart();
            } catch (RuntimeException e) {
                moveTo(WorkerState.STOPPING);
                moveTo(WorkerState.STOPPED);
                throw e;
            }
        }
        afterStart();
        log.debug("Worker '{}' started ({}, {})", name, getKind(), getSchedule());
    }

    private ALoop resolveAloop(String workerName, String override) {
        String wanted = override != null ? override : aloopName;
        if (wanted != null) {
            return supervisor.findAloop(wanted).orElseThrow(() -> new IllegalStateException("worker '" + workerName
                    + "' needs aloop '" + wanted + "', which task supervisor '" + supervisor.getId()
                    + "' does not have: create it (createAloop, or supervisor.aloops." + wanted + ")"));
        }
        return supervisor.getDefaultAloop().orElseThrow(() -> new IllegalStateException("worker '" + workerName
                + "' has an async target but names no aloop, and task supervisor '" + supervisor.getId()
                + "' has no default aloop: create one with createAloop(name, true, ...) or set the worker's aloop"));
    }

    /** Applies the start-time overrides of a kind (interval, delay); validates its settings. */
    protected void configure(WorkerStart overrides) {
    }

    /** Begins the kind's scheduling; called under the life-cycle lock, once the worker is ACTIVE. */
    protected abstract void onStart();

    /**
     * Asks the kind to stop: cancel timers, and call {@link #finishStop()} as soon as no run is in
     * progress (and, for a queue, the queue is drained). Called once per stop, outside the lock.
     */
    protected abstract void onStopRequested();

    /** Stops the worker, waiting as long as the current run (and the queue) takes. */
    public List<?> stop() {
        return stop(Duration.ofNanos(FOREVER));
    }

    /** Stops the worker; with {@code wait}, returns once the current run (and the queue) is done. */
    @Override
    public void stop(boolean wait) {
        requestStop();
        if (wait) {
            awaitStopUninterruptibly(FOREVER);
        }
    }

    /**
     * Stops the worker, waiting at most {@code wait} for the current run to end and a queue to drain.
     * Then a run still going is interrupted (or its stage cancelled) and items still queued are handed
     * to the undelivered-items handler.
     *
     * @return the items that could not be handled in time (empty for kinds without a queue)
     */
    public List<?> stop(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        requestStop();
        if (!awaitStopUninterruptibly(nanos(wait))) {
            forceStop();
        }
        return undelivered();
    }

    /** Stops and starts the worker again, with its own settings. */
    public void restart() {
        stop(true);
        start();
    }

    /** Moves an active worker to STOPPING and tells the kind; a no-op otherwise. */
    protected final void requestStop() {
        synchronized (lifecycle) {
            if (state != WorkerState.ACTIVE) {
                return;
            }
            beforeStop();
            moveTo(WorkerState.STOPPING);
        }
        onStopRequested();
    }

    /** Ends a stop: STOPPING → STOPPED, wakes the waiters, runs {@link #afterStop}. Idempotent. */
    protected final void finishStop() {
        synchronized (lifecycle) {
            if (state != WorkerState.STOPPING) {
                return;
            }
            moveTo(WorkerState.STOPPED);
            lifecycle.notifyAll();
        }
        afterStop();
        log.debug("Worker '{}' stopped", name);
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        long timeoutNanos = nanos(timeout);
        boolean forever = timeoutNanos >= FOREVER;
        long deadline = forever ? 0 : System.nanoTime() + timeoutNanos;
        synchronized (lifecycle) {
            while (state == WorkerState.STOPPING) {
                if (forever) {
                    lifecycle.wait();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lifecycle, left);
            }
            return true;
        }
    }

    private boolean awaitStopUninterruptibly(long timeoutNanos) {
        try {
            return awaitStop(Duration.ofNanos(timeoutNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Ends a stop that did not finish in time: the run in progress is interrupted (sync) or its stage
     * cancelled (async), a queue's remaining items go to the undelivered-items handler, and the worker
     * is STOPPED.
     */
    @Override
    public void forceStop() {
        if (state != WorkerState.STOPPING) {
            return;
        }
        onForceStopping();
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
        CompletableFuture<?> run = asyncRun;
        if (run != null) {
            run.cancel(true);
        }
        onForceStop();
        if (runsInProgress.get() > 0) {
            log.warn("Worker '{}' did not finish its run within the stop timeout: interrupted it; it is stopped, "
                    + "but its run (its target, or the run guard asked before it) is still going on {}", name,
                    t != null ? t.getName() : "its aloop");
        }
        finishStop();
    }

    /** Tells a kind that a forced stop begins, before its run is interrupted: run nothing new from now on. */
    protected void onForceStopping() {
    }

    /**
     * Lets a kind give up its pending work in a forced stop, after its run was interrupted or cancelled
     * (a queue hands its items back).
     */
    protected void onForceStop() {
    }

    /** The items a queue worker could not handle at its last stop; empty for other kinds. */
    protected List<?> undelivered() {
        return List.of();
    }

    /** The one place {@code state} changes. Caller holds {@code lifecycle}. */
    private void moveTo(WorkerState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("worker '" + name + "' cannot go from " + state + " to " + next);
        }
        state = next;
    }

    /** Called before the worker starts (neotasker's {@code before_start}). */
    protected void beforeStart() {
    }

    /** Called after the worker started. */
    protected void afterStart() {
    }

    /** Called when a stop begins, before the worker leaves ACTIVE. */
    protected void beforeStop() {
    }

    /** Called once the worker has stopped. */
    protected void afterStop() {
    }

    // ------------------------------------------------------------------ running the target

    /**
     * Refuses a trigger unless the worker is active.
     *
     * @throws IllegalStateException naming the worker and its state
     */
    protected final void requireActiveToTrigger() {
        if (!isActive()) {
            throw new IllegalStateException(getKind().name().toLowerCase(java.util.Locale.ROOT) + " worker '" + name
                    + "' is " + state + ": start it before triggering it");
        }
    }

    /** Which start this is; work dispatched under an earlier one must stop when it sees a newer value. */
    protected final long generation() {
        return generation;
    }

    /** Whether the target is async (returns a {@code CompletionStage}, runs on an aloop). */
    public final boolean isAsync() {
        return async;
    }

    /**
     * Runs the target once with {@code input}. The kinds that take a target call it through here;
     * subclasses that pass no target override their kind's {@code run} method instead.
     */
    @SuppressWarnings("unchecked")
    protected Object invoke(Object input, WorkerContext context) throws Exception {
        if (target == null) {
            throw new IllegalStateException("worker '" + name + "' has no target: pass one to the constructor "
                    + "or override run(...)");
        }
        return ((WorkerTarget<Object>) target).run(input, context);
    }

    /**
     * Runs the target once on the pool (sync) or the worker's aloop (async), then calls {@code ended} on
     * the thread that finished it. If the pool refuses the run because the supervisor is shutting it
     * down, the worker stops and {@code ended} is called at once, as if the run had happened.
     */
    protected final void dispatchRun(Object input, Runnable ended) {
        dispatchRun(input, null, ended);
    }

    /** As {@link #dispatchRun(Object, Runnable)}, in the context {@code captured} holds, if not null. */
    final void dispatchRun(Object input, ContextRun captured, Runnable ended) {
        RunGuard guard = runGuard;
        try {
            if (guard != null) {
                // The guard may block (a lock in a database): ask it on a pool thread, never on this one, which
                // may be an aloop or the timer loop. Decorated as the run itself would have been.
                long startedIn = generation;
                executeOnPool(() -> guardedRun(guard, startedIn, input, captured, ended), !async && captured == null);
            } else if (async) {
                runAsync(input).thenRun(ended);
            } else {
                if (captured != null) {
                    executeOnPool(() -> {
                        captured.runInContext(input);
                        ended.run();
                    }, false);
                } else {
                    executeOnPool(() -> {
                        runSync(input);
                        ended.run();
                    });
                }
            }
        } catch (RejectedExecutionException e) {
            requestStop();
            ended.run();
        }
    }

    /**
     * One run behind {@code guard}, on a pool thread: ask, then run and release, or skip, or fail; in every
     * case {@code ended} is called once, after the permit is released, so the next run (which asks again)
     * never finds this run's permit still held by this process.
     *
     * <p>Asking is part of the run: from before the ask until the target has run (or the run was given up)
     * the run is in progress ({@link #isRunning()}) and this thread is its {@code runner}. So a forced stop
     * interrupts a guard that blocks, the supervisor's stop report names the worker if the guard ignores
     * that, and {@link #start} refuses to start again until the ask has ended.
     *
     * <p>A permit granted after the start that dispatched the run has ended (a forced stop, or a stop and a
     * new start) is released at once and the target does not run: the stop has returned, so the run must
     * not happen after it. That run is neither a run nor a skip, only logged: nothing ran, and the guard did
     * not refuse. A graceful stop, by contrast, waits for the run in progress, asking included, so a permit
     * granted while it waits still runs the target (as an unguarded run already handed to the pool does):
     * giving it up would leave a lock with a minimum hold time taken, and every instance would miss the run.
     *
     * @param startedIn the {@link #generation()} that dispatched the run
     */
    private void guardedRun(RunGuard guard, long startedIn, Object input, ContextRun captured, Runnable ended) {
        Runnable then;
        runsInProgress.incrementAndGet();
        runner = Thread.currentThread();
        try {
            then = askAndRun(guard, startedIn, input, captured, ended);
        } finally {
            runner = null;
            runsInProgress.decrementAndGet();
        }
        // After the count dropped: ending the run may finish a stop, whose waiter may start the worker again.
        then.run();
    }

    /** The body of {@link #guardedRun}; returns what to do once the ask no longer counts as a run in progress. */
    private Runnable askAndRun(RunGuard guard, long startedIn, Object input, ContextRun captured, Runnable ended) {
        long asked = System.nanoTime();
        RunGuard.Permit permit;
        try {
            permit = guard.tryAcquire(this).orElse(null);
        } catch (Throwable error) {
            guardFailed(guard, asked, error);
            return ended;
        }
        if (permit == null) {
            skipped(guard, asked);
            return ended;
        }
        if (startEnded(startedIn)) {
            log.info("Worker '{}': its run guard ({}) granted a run after the worker was stopped by force; the "
                    + "permit is released and the target does not run", name, describe(guard));
            release(guard, permit);
            return ended;
        }
        if (async) {
            // runAsync counts the run itself until its stage completes, so the count never drops to 0 in between.
            CompletableFuture<Boolean> stage = runAsync(input);
            return () -> stage.whenComplete((goOn, error) -> releaseAfterAsync(guard, permit, ended));
        }
        try {
            if (captured != null) {
                captured.runInContext(input);
            } else {
                runSync(input);
            }
        } finally {
            release(guard, permit);
        }
        return ended;
    }

    /**
     * Whether the start {@code startedIn} that dispatched a run is over: the worker was stopped by force
     * (a graceful stop is still STOPPING while it waits for the run) or has been started again since.
     */
    private boolean startEnded(long startedIn) {
        return generation != startedIn || state == WorkerState.STOPPED;
    }

    /**
     * An async run's stage completed, on its aloop or a stopping thread: release on the pool, since the
     * release may block and an aloop must not. Exactly once, by whichever comes first: the pool task, or
     * the cancellation of that task by a forced supervisor stop ({@code shutdownNow} cancels the tasks still
     * queued), in which case the cancelling thread, the one doing the stop, releases: otherwise the lock
     * would stay taken until it expires.
     */
    private void releaseAfterAsync(RunGuard guard, RunGuard.Permit permit, Runnable ended) {
        AtomicBoolean claimed = new AtomicBoolean();
        Runnable releaseAndEnd = () -> {
            if (claimed.compareAndSet(false, true)) {
                release(guard, permit);
                ended.run();
            }
        };
        try {
            supervisor.executeForScheduler(releaseAndEnd, false).whenComplete((none, error) -> {
                if (error != null) {
                    releaseAndEnd.run(); // dropped before it ran; a no-op if it ran and then failed
                }
            });
        } catch (RejectedExecutionException e) {
            // The pool is shutting down: release here rather than leave the lock held until it expires.
            releaseAndEnd.run();
        }
    }

    /**
     * Releases {@code permit}, with the thread's interrupt status cleared meanwhile: that interrupt was meant
     * for the run (a forced stop), and left set it could fail the release (a JDBC call), leaving the lock
     * taken until it expires. The status is restored afterwards.
     */
    private void release(RunGuard guard, RunGuard.Permit permit) {
        boolean interrupted = Thread.interrupted();
        try {
            permit.release();
        } catch (Throwable error) {
            log.error("Worker '{}': releasing its run guard ({}) failed; what it holds stays taken until it expires",
                    name, describe(guard), error);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The guard could not decide: a failed run, for the error handler and the listeners, not a silent skip. */
    private void guardFailed(RunGuard guard, long asked, Throwable error) {
        LAST_RUN_STARTED_NANOS.setRelease(this, asked);
        RunGuardException failure = new RunGuardException("worker '" + name + "' did not run: its run guard ("
                + describe(guard) + ") failed: " + error, error);
        failed(failure);
        tellRunEnded(recordRun(asked, System.nanoTime()), failure);
    }

    /** The guard refused the run: counted as a skip and told to the listeners; the worker goes on. */
    private void skipped(RunGuard guard, long asked) {
        long took = System.nanoTime() - asked;
        skips.incrementAndGet();
        if (log.isDebugEnabled()) { // describe() is the guard's code: not worth calling for a line nobody sees
            log.debug("Worker '{}': run skipped, refused by its run guard ({})", name, describe(guard));
        }
        WorkerListener listener = supervisor.getWorkerListener();
        if (listener != null) {
            listener.runSkipped(this, took);
        }
    }

    private static String describe(RunGuard guard) {
        try {
            return guard.describe();
        } catch (RuntimeException e) {
            return guard.getClass().getName();
        }
    }

    /**
     * The calling thread's context, for a run that another thread will dispatch: with the supervisor's
     * task decorator and a sync target, a {@link ContextRun} for {@code item}; else {@code null}, at no cost.
     */
    final ContextRun captureRun(Object item) {
        UnaryOperator<Runnable> decorator = runDecorator;
        return decorator == null ? null : ContextRun.capture(this, decorator, item);
    }

    /** Whether {@link #captureRun} captures anything in the current start. */
    final boolean capturesContext() {
        return runDecorator != null;
    }

    /** Hands {@code task} to the supervisor's pool. */
    protected final void executeOnPool(Runnable task) {
        supervisor.executeForScheduler(task);
    }

    /** Hands {@code task} to the pool; undecorated unless {@code decorate}: it runs captured contexts itself. */
    final void executeOnPool(Runnable task, boolean decorate) {
        supervisor.executeForScheduler(task, decorate);
    }

    /** The loop for this worker's timers: its aloop for an async target, else the supervisor's own loop. */
    protected final ALoop timerLoop() {
        ALoop loop = aloop;
        return loop != null ? loop : supervisor.getSchedulerLoop();
    }

    /**
     * Runs a sync target once, here and now, with the bookkeeping: counts, timing, errors. A target
     * returning {@code false} stops the worker.
     *
     * @return whether the worker goes on
     */
    protected final boolean runSync(Object input) {
        beginRunSeries();
        Object result;
        try {
            result = invokeCounted(input);
        } finally {
            endRunSeries();
        }
        return goOn(result);
    }

    /**
     * Marks this thread as running the target for a series of inputs (a queue drain): the in-progress
     * bookkeeping a forced stop relies on is paid once per series instead of once per item. Between
     * {@code beginRunSeries()} and {@link #endRunSeries()} call only {@link #runInSeries}; anything that
     * may finish a stop must come after the series ended, or a restart would find a run in progress.
     */
    final void beginRunSeries() {
        runsInProgress.incrementAndGet();
        runner = Thread.currentThread();
        seriesClock = System.nanoTime();
    }

    /** Ends what {@link #beginRunSeries()} began. */
    final void endRunSeries() {
        runner = null;
        runsInProgress.decrementAndGet();
    }

    /**
     * Runs a sync target once inside a series, with the counts, timing and error handling of
     * {@link #runSync}.
     *
     * @return whether the worker goes on
     */
    final boolean runInSeries(Object input) {
        return goOn(invokeCounted(input));
    }

    /**
     * Invokes the target, counting and timing the run; a failure goes to the error handler. A run
     * starts when the one before it in the series ended: one clock read per run.
     */
    private Object invokeCounted(Object input) {
        long started = seriesClock;
        LAST_RUN_STARTED_NANOS.setRelease(this, started);
        Throwable failure = null;
        try {
            return invoke(input, context);
        } catch (Throwable error) {
            failure = error;
            failed(error);
            return null;
        } finally {
            long ended = System.nanoTime();
            // The next run in the series starts now, or after the listeners if any: their time is theirs.
            seriesClock = tellRunEnded(recordRun(started, ended), failure) ? System.nanoTime() : ended;
        }
    }

    /**
     * Starts an async target once on the worker's aloop. The returned stage never fails: it completes
     * with whether the worker goes on, after the bookkeeping.
     */
    protected final CompletableFuture<Boolean> runAsync(Object input) {
        ALoop loop = aloop;
        long started = beginRun();
        CompletableFuture<Object> run;
        try {
            run = loop.spawn(() -> {
                Object result = invoke(input, context);
                if (!(result instanceof CompletionStage<?> stage)) {
                    throw new IllegalStateException("the async target of worker '" + name + "' returned "
                            + (result == null ? "null" : result.getClass().getName())
                            + " instead of a CompletionStage");
                }
                @SuppressWarnings("unchecked")
                CompletionStage<Object> typed = (CompletionStage<Object>) stage;
                return typed;
            });
        } catch (RejectedExecutionException | IllegalStateException e) {
            failed(e);
            endRun(started, e);
            return CompletableFuture.completedFuture(false);
        }
        asyncRun = run;
        return run.handle((result, error) -> {
            asyncRun = null;
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            // Cancelled by a forced stop: not a failure of the target (listeners still hear how it ended).
            boolean cancelledByStop = cause instanceof CancellationException && state != WorkerState.ACTIVE;
            if (cause != null && !cancelledByStop) {
                failed(cause);
            }
            endRun(started, cause);
            return cancelledByStop ? false : cause != null || goOn(result);
        });
    }

    /** Counts an async run as begun; returns its start time in {@link System#nanoTime()} terms. */
    private long beginRun() {
        runsInProgress.incrementAndGet();
        long started = System.nanoTime();
        LAST_RUN_STARTED_NANOS.setRelease(this, started);
        return started;
    }

    /** Counts a run as ended and tells the supervisor's worker listeners; {@code failure} is null for a success. */
    private void endRun(long startedNanos, Throwable failure) {
        long took = recordRun(startedNanos, System.nanoTime());
        runsInProgress.decrementAndGet();
        tellRunEnded(took, failure);
    }

    /** Records a run's statistics; returns how long it took. */
    private long recordRun(long startedNanos, long endedNanos) {
        long took = endedNanos - startedNanos;
        LAST_RUN_NANOS.setRelease(this, took);
        runs.lazySet(runs.get() + 1);
        return took;
    }

    /** Tells the supervisor's worker listeners that a run ended; returns whether there were any. */
    private boolean tellRunEnded(long took, Throwable failure) {
        // One volatile read while nobody listens: the run path pays nothing more for the hook.
        WorkerListener listener = supervisor.getWorkerListener();
        if (listener == null) {
            return false;
        }
        listener.runEnded(this, took, failure);
        return true;
    }


    /**
     * Counts a run whose target never started, because the task decorator around it threw ({@code cause})
     * or returned without calling it ({@code cause} null), as a failed run: the error handler and the
     * listeners hear of it, so the input is not dropped unnoticed.
     */
    final void failedBeforeTarget(Object input, Throwable cause) {
        long now = System.nanoTime();
        LAST_RUN_STARTED_NANOS.setRelease(this, now);
        IllegalStateException error = new IllegalStateException("worker '" + name + "' did not run its target"
                + (input == null ? "" : " for " + describe(input)) + ": the task decorator around the run "
                + (cause == null ? "returned without calling it" : "failed") + "; fix the TaskDecorator", cause);
        failed(error);
        tellRunEnded(recordRun(now, System.nanoTime()), error);
    }

    private static String describe(Object input) {
        return input instanceof List<?> batch ? "a batch of " + batch.size() + " item(s)" : "item " + input;
    }

    private void failed(Throwable error) {
        failures.incrementAndGet();
        try {
            errorHandler.handle(this, error);
        } catch (RuntimeException handlerError) {
            log.error("The error handler of worker '{}' failed", name, handlerError);
        }
    }

    private boolean goOn(Object result) {
        if (Boolean.FALSE.equals(result)) {
            log.debug("Worker '{}': target returned false, stopping", name);
            requestStop();
            return false;
        }
        return true;
    }

    private static long nanos(Duration d) {
        try {
            return Math.min(d.toNanos(), FOREVER);
        } catch (ArithmeticException e) {
            return FOREVER;
        }
    }

    // ------------------------------------------------------------------ introspection

    /** The worker's name (the start-time override while started with one). */
    @Override
    public String getName() {
        return name;
    }

    /** The supervisor the worker runs in. */
    public TaskSupervisor getSupervisor() {
        return supervisor;
    }

    /** The object handed to the target, or {@code null}. */
    public Object getObject() {
        return object;
    }

    /** The worker's life-cycle state. */
    public WorkerState getState() {
        return state;
    }

    /** Whether the worker is started and not stopping. */
    public boolean isActive() {
        return state == WorkerState.ACTIVE;
    }

    /** Whether the worker has been started at least once and is not stopped. */
    public boolean isStarted() {
        WorkerState s = state;
        return s == WorkerState.ACTIVE || s == WorkerState.STOPPING;
    }

    /** Whether the worker is stopped (or was never started). */
    public boolean isStopped() {
        WorkerState s = state;
        return s == WorkerState.STOPPED || s == WorkerState.NEW;
    }

    /** Runs finished so far, failed ones included. */
    public long getRuns() {
        return runs.get();
    }

    /** Runs that failed. */
    public long getFailures() {
        return failures.get();
    }

    /** Runs its run guard refused (see {@link RunGuard}); neither runs nor failures. */
    public long getSkips() {
        return skips.get();
    }

    /**
     * Whether a run is in progress now: the target running, or a run guard being asked for it. After a
     * forced stop this says whether the run ignored its interruption and goes on in the background.
     */
    public boolean isRunning() {
        return runsInProgress.get() > 0;
    }

    /** The items the last stop handed back because it could not handle them in time; empty for kinds without a queue. */
    public List<?> getUndelivered() {
        return undelivered();
    }

    /** Items waiting in the worker's queue; 0 for kinds without one. */
    public int getQueueSize() {
        return 0;
    }

    /** A point-in-time view of this worker; reading it resets nothing. */
    public WorkerInfo info() {
        long started = lastRunStartedNanos;
        long took = lastRunNanos;
        ALoop loop = aloop;
        RunGuard guard = runGuard;
        return new WorkerInfo(name, getKind(), state, loop == null ? (async ? aloopName : null) : loop.getName(),
                getSchedule(), runs.get(), failures.get(), started == NEVER ? null : Instant.now().minusNanos(System.nanoTime() - started),
                took < 0 ? null : Duration.ofNanos(took), getQueueSize(), skips.get(),
                guard == null ? null : describe(guard));
    }

    /** The extra arguments of the current start. */
    protected final Map<String, Object> arguments() {
        WorkerContext c = context;
        return c == null ? Map.of() : c.arguments();
    }

    /** The context handed to the target in the current start. */
    protected final WorkerContext context() {
        return context;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + state + "]";
    }
}
