package dev.tasksupervisor.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lifecycle.Deadline;
import dev.tasksupervisor.lifecycle.StopReport;

/**
 * What every worker shares: a name, a target, the object {@code o} and the error handler; the life cycle
 * ({@link WorkerLifecycle}, one state table for every kind) with its hooks; and running the target once
 * on the right thread: a pool thread for a sync target, the worker's aloop for an async one.
 *
 * <p>The kinds ({@link ContinuousWorker}, {@link IntervalWorker}, {@link QueueWorker},
 * {@link EventWorker}) decide <em>when</em> the target runs, and guarantee that it never runs twice at
 * once: each dispatches a run only while it holds its own "running" flag, released when the run ends; and
 * a start is refused while a run from before is still in progress ({@link #isRunning()}), which only a
 * forced stop can leave behind. Subclasses may override the hooks {@link #beforeStart}, {@link #afterStart},
 * {@link #beforeStop} and {@link #afterStop}, and the kinds' {@code run} methods instead of passing a target.
 *
 * <h2>Stopping</h2>
 * {@link #requestStop()} moves the worker to {@code STOPPING} and tells its kind, which stops scheduling;
 * the run in progress finishes, a queue drains, and the kind then calls {@link #idle()}, the one way to
 * {@code STOPPED} besides force. {@link #forceStop()} interrupts a sync run, gives up an async one (its
 * stage goes on; the run counts as in progress until it completes) and lets the kind hand back what it
 * queued. A stop called from the worker's own run cannot wait for that run: it asks and returns, and
 * {@link #restart()} from there starts the worker again once the run has ended.
 *
 * <p>Interval and event workers may have a {@link RunGuard}, asked on a pool thread before each run
 * ({@link GuardedRun}); a run it refuses is a skip, counted apart from runs and failures.
 *
 * <p>Thread safety: public methods may be called from any thread. {@code lifecycle}'s monitor serialises
 * starts and stops; the per-start fields ({@code name}, {@code context}, {@code aloop}, {@code handle},
 * {@code runDecorator}) are written under it before the worker becomes ACTIVE. Settings ({@code set*})
 * are read at start; change them while the worker is not active.
 */
public abstract class BackgroundWorker implements Scheduler {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWorker.class);
    /** How long a forced stop waits for the interrupted run to end before it reports it as still running. */
    static final Duration INTERRUPTED_GRACE = Duration.ofMillis(100);
    private static final VarHandle RUNS_IN_PROGRESS;

    static {
        try {
            RUNS_IN_PROGRESS = MethodHandles.lookup().findVarHandle(BackgroundWorker.class, "runsInProgress", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WorkerHost host;
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
    private volatile Aloop aloop;
    private volatile SchedulerHandle handle;
    /** The supervisor's task decorator for a sync target, else null; see {@link #captureRun}. */
    private volatile UnaryOperator<Runnable> runDecorator;
    /** Set by a {@link #restart()} from the worker's own run: start again once stopped. Guarded by {@code lifecycle}. */
    private boolean restartWhenStopped;

    private final WorkerLifecycle lifecycle = new WorkerLifecycle();
    private final RunStatistics statistics = new RunStatistics();

    /** Runs in progress: a sync series, a guard being asked, an async stage not yet complete. */
    private volatile int runsInProgress;
    /** When the current series' last run ended; only the series' own thread touches it. */
    private long seriesClock;
    /** The thread running a sync target now, so a forced stop can interrupt it and a stop can tell its own run. */
    private volatile Thread runner;
    /** The worker's view of the async run in progress, which a forced stop gives up. */
    private volatile CompletableFuture<?> asyncRun;

    /**
     * @param supervisor the supervisor whose pool (or aloop) runs the target
     * @param name the worker's name, unique among the supervisor's workers
     * @param target what to run, or {@code null} when a subclass overrides its kind's {@code run}
     * @param async whether the target returns a {@code CompletionStage} and runs on an aloop
     */
    protected BackgroundWorker(WorkerHost supervisor, String name, WorkerTarget<?> target, boolean async) {
        this.host = Objects.requireNonNull(supervisor, "supervisor");
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
     * @throws InvalidSettingException if negative
     */
    public void setPollDelay(Duration pollDelay) {
        if (pollDelay != null && pollDelay.isNegative()) {
            throw InvalidSettingException.notNegative(owner(), "poll delay", pollDelay,
                    "set it to 0 or a positive duration");
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
        return own != null ? own : host.getPollDelay();
    }

    /** How {@link InvalidSettingException}s name this worker: {@code "worker 'tick'"}. */
    final String owner() {
        return "worker '" + configuredName + "'";
    }

    // ------------------------------------------------------------------ life cycle

    /** Starts the worker with its own settings. */
    public void start() {
        start(WorkerStart.defaults());
    }

    /**
     * Starts the worker with start-time overrides, and registers it with its supervisor.
     *
     * @throws IllegalStateException if the supervisor is not active, the worker is already active or still
     *     finishing a run from before, or an async target finds no aloop
     * @throws IllegalArgumentException if another worker has the name, or a setting is invalid
     */
    public void start(WorkerStart overrides) {
        Objects.requireNonNull(overrides, "overrides");
        synchronized (lifecycle) {
            WorkerState state = lifecycle.state();
            if (state == WorkerState.ACTIVE) {
                throw new IllegalStateException("worker '" + name + "' is already ACTIVE: stop it before starting it "
                        + "again (or call restart())");
            }
            if (state == WorkerState.STOPPING) {
                throw new IllegalStateException("worker '" + name + "' is still STOPPING (finishing its run or "
                        + "draining its queue): start it once it has stopped (awaitStop)");
            }
            if (isRunning()) {
                throw new IllegalStateException("worker '" + name + "' is still finishing a run from before it "
                        + "was stopped by force (its target ignored the interruption, or its stage has not "
                        + "completed): start it once that run has ended");
            }
            String startName = overrides.name() != null ? overrides.name() : configuredName;
            configure(overrides);
            SchedulerHandle registered = register(startName);
            aloop = async ? resolveAloop(registered, startName, overrides.aloop()) : null;
            handle = registered;
            runDecorator = async ? null : registered.taskDecorator();
            context = new WorkerContext(this, startName, object, overrides.arguments());
            beforeStart();
            onPrepare();
            lifecycle.started();
            try {
                onStart();
            } catch (RuntimeException | Error e) {
                lifecycle.startFailed();
                throw e;
            }
        }
        afterStart();
        log.debug("Worker '{}' started ({}, {})", name, getKind(), getSchedule());
    }

    /** Registers under {@code startName} and checks the supervisor is active; caller holds {@code lifecycle}. */
    private SchedulerHandle register(String startName) {
        String previousName = name;
        name = startName;
        SchedulerHandle registered;
        try {
            registered = host.registerScheduler(this);
            registered.requireActive("worker '" + startName + "' cannot start");
        } catch (RuntimeException e) {
            name = previousName;
            throw e;
        }
        return registered;
    }

    private Aloop resolveAloop(SchedulerHandle registered, String workerName, String override) {
        String wanted = override != null ? override : aloopName;
        if (wanted != null) {
            return registered.findAloop(wanted).orElseThrow(() -> new IllegalStateException("worker '" + workerName
                    + "' needs aloop '" + wanted + "', which task supervisor '" + host.getId()
                    + "' does not have: create it (createAloop, or supervisor.aloops." + wanted + ")"));
        }
        return registered.defaultAloop().orElseThrow(() -> new IllegalStateException("worker '" + workerName
                + "' has an async target but names no aloop, and task supervisor '" + host.getId()
                + "' has no default aloop: create one with createAloop(name, true, ...) or set the worker's aloop"));
    }

    /** Applies the start-time overrides of a kind (interval, delay); validates its settings. */
    protected void configure(WorkerStart overrides) {
    }

    /** Readies the kind for a start while the worker is not yet ACTIVE (a new queue); under the life-cycle lock. */
    void onPrepare() {
    }

    /** Begins the kind's scheduling; called under the life-cycle lock, once the worker is ACTIVE. */
    protected abstract void onStart();

    /**
     * Tells the kind a stop began: cancel timers, and call {@link #idle()} as soon as no run is in progress
     * (and, for a queue, the queue is drained). Called once per stop, outside the lock.
     */
    protected abstract void onStopRequested();

    /** Stops and starts the worker again, with its own settings; from its own run, once that run has ended. */
    public void restart() {
        if (isOwnRun()) {
            synchronized (lifecycle) {
                restartWhenStopped = true;
            }
            requestStop();
            return;
        }
        stop();
        start();
    }

    /** Moves an active worker to STOPPING and tells the kind; a no-op otherwise. */
    @Override
    public final void requestStop() {
        synchronized (lifecycle) {
            if (!lifecycle.isActive()) {
                return;
            }
            beforeStop();
            lifecycle.stopRequested();
        }
        onStopRequested();
    }

    /**
     * The kind has no run in progress and nothing left to run: a stopping worker is now STOPPED. The one
     * way a stop ends without force; kinds call it whenever they become idle, and it does nothing unless
     * the worker is STOPPING.
     */
    protected final void idle() {
        if (lifecycle.state() == WorkerState.STOPPING && lifecycle.settled()) {
            stopped();
        }
    }

    /** After the move to STOPPED: the hook, and the start a restart from the worker's own run asked for. */
    private void stopped() {
        afterStop();
        log.debug("Worker '{}' stopped", name);
        boolean again;
        synchronized (lifecycle) {
            again = restartWhenStopped;
            restartWhenStopped = false;
        }
        if (again && !lifecycle.isForcing()) {
            try {
                start();
            } catch (RuntimeException e) {
                log.error("Worker '{}' could not start again after the restart its own run asked for", name, e);
            }
        }
    }

    /** Waits for the end of a stop; from the worker's own run, which the stop waits for, it cannot wait. */
    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        if (isOwnRun()) {
            return !lifecycle.isActive() && lifecycle.state() != WorkerState.STOPPING;
        }
        return lifecycle.awaitStopped(Deadline.after(timeout));
    }

    /**
     * Stops the worker, gracefully until {@code deadline}, then by force. From the worker's own run it asks
     * and returns at once: the stop ends when that run does.
     */
    @Override
    public StopReport stop(Deadline deadline) {
        if (isOwnRun()) {
            requestStop();
            return StopReport.underWay(Duration.ZERO);
        }
        return Scheduler.super.stop(deadline);
    }

    /**
     * Ends a stop now: the run in progress is interrupted (sync) or given up (async: its stage goes on, and
     * the worker cannot start again until it completes), a queue's items go to the undelivered-items
     * handler, and the worker is STOPPED. Waits up to {@value #INTERRUPTED_GRACE_MILLIS} ms for the
     * interrupted run to end; the report names the worker as still running if it did not.
     */
    @Override
    public StopReport forceStop() {
        long began = System.nanoTime();
        requestStop();
        StopReport.Builder report = StopReport.builder();
        if (!lifecycle.forcing()) {
            return report.build(Duration.ZERO); // not stopping: never started, or stopped already
        }
        onForcing();
        Thread thread = runner;
        if (thread != null) {
            thread.interrupt();
        }
        CompletableFuture<?> run = asyncRun;
        if (run != null) {
            run.completeExceptionally(new CancellationException()); // as a cancelled future would
        }
        Deadline grace = Deadline.after(INTERRUPTED_GRACE);
        report.undelivered(name, onForced(grace));
        boolean ended = awaitRunsEnded(grace);
        if (!ended) {
            log.warn("Worker '{}' did not finish its run within the stop timeout: it is stopped, but its run (its "
                    + "target, or the run guard asked before it) is still going on {}", name,
                    thread != null ? thread.getName() : async ? "its aloop" : "a pool thread");
        }
        report.forcedWorker(name, !ended);
        if (lifecycle.forced()) {
            stopped();
        }
        return report.build(Duration.ofNanos(System.nanoTime() - began));
    }

    /** The grace in milliseconds, for Javadoc. */
    private static final long INTERRUPTED_GRACE_MILLIS = 100;

    /** Tells a kind that a forced stop begins, before its run is interrupted: run nothing new from now on. */
    void onForcing() {
    }

    /**
     * Lets a kind give up its pending work in a forced stop, after its run was interrupted or given up, by
     * {@code grace} at the latest; returns what it handed back (a queue's items), in order.
     */
    List<?> onForced(Deadline grace) {
        return List.of();
    }

    private boolean awaitRunsEnded(Deadline deadline) {
        synchronized (lifecycle) {
            try {
                while (runsInProgress > 0 && !deadline.hasPassed()) {
                    deadline.waitOn(lifecycle);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return runsInProgress == 0;
        }
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
        if (!lifecycle.isActive()) {
            throw new IllegalStateException(getKind().name().toLowerCase(Locale.ROOT) + " worker '" + name + "' is "
                    + lifecycle.state() + ": start it before triggering it");
        }
    }

    /** Which start this is; work dispatched under an earlier one must stop when it sees a newer value. */
    protected final long generation() {
        return lifecycle.generation();
    }

    /** Whether the calling thread runs this worker's target now: a stop cannot wait for it. */
    private boolean isOwnRun() {
        Aloop loop = aloop;
        return Thread.currentThread() == runner || (loop != null && loop.inLoop());
    }

    /**
     * Whether the start {@code startedIn} that dispatched a run is over: the worker was stopped by force
     * (a graceful stop is still STOPPING while it waits for the run) or has been started again since.
     */
    final boolean startEnded(long startedIn) {
        return lifecycle.generation() != startedIn || lifecycle.state() == WorkerState.STOPPED;
    }

    /** Whether the target is async (returns a {@code CompletionStage}, runs on an aloop). */
    public final boolean isAsync() {
        return async;
    }

    /** The aloop an async target runs on in this start; empty for a sync target. */
    final Optional<Aloop> aloop() {
        return Optional.ofNullable(aloop);
    }

    /** What this start runs with; set before the worker becomes ACTIVE. */
    final SchedulerHandle handle() {
        return handle;
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

    /** The loop for this worker's timers: its aloop for an async target, else the supervisor's own loop. */
    protected final Aloop timerLoop() {
        Aloop loop = aloop;
        return loop != null ? loop : handle.timerLoop();
    }

    /**
     * Runs the target once on the pool (sync) or the worker's aloop (async), in the context {@code captured}
     * holds if not null, then calls {@code ended} on the thread that finished it. If the pool refuses the
     * run because the supervisor shuts it down, the worker stops and {@code ended} is called at once; if it
     * refuses it for another reason (no thread could be made), that is a failed run, and the worker goes on.
     */
    final void dispatchRun(Object input, ContextRun captured, Runnable ended) {
        RunGuard guard = runGuard;
        try {
            if (guard != null) {
                // The guard may block (a lock in a database): ask it on a pool thread, never on this one, which
                // may be an aloop or the timer loop. Decorated as the run itself would have been.
                GuardedRun run = new GuardedRun(this, guard, lifecycle.generation(), input, captured, ended);
                handle.execute(run::run, !async && captured == null);
            } else if (async) {
                runAsync(input).thenRun(ended);
            } else if (captured != null) {
                handle.execute(() -> {
                    captured.runInContext(input);
                    ended.run();
                }, false);
            } else {
                handle.execute(() -> {
                    runSync(input);
                    ended.run();
                }, true);
            }
        } catch (RejectedExecutionException e) {
            requestStop();
            ended.run();
        } catch (RuntimeException | Error e) {
            refused(input, e);
            ended.run();
        }
    }

    /** The pool refused a run for another reason than a stop: a failed run, so the error handler hears of it. */
    final void refused(Object input, Throwable error) {
        failedBeforeTarget(System.nanoTime(), new IllegalStateException("worker '" + name + "' did not run"
                + (input == null ? "" : " for " + describe(input)) + ": the pool refused the run (" + error
                + "); the worker goes on", error));
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
        RUNS_IN_PROGRESS.getAndAdd(this, 1);
        runner = Thread.currentThread();
        seriesClock = System.nanoTime();
    }

    /** Ends what {@link #beginRunSeries()} began. */
    final void endRunSeries() {
        runner = null;
        runEnded();
    }

    /** One run in progress fewer; a forced stop waiting for the last one hears of it. */
    private void runEnded() {
        if ((int) RUNS_IN_PROGRESS.getAndAdd(this, -1) == 1 && lifecycle.isForcing()) {
            synchronized (lifecycle) {
                lifecycle.notifyAll();
            }
        }
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

    /** Whether the last run of the current series failed; only the series' own thread touches it. */
    private boolean lastRunFailed;

    /**
     * Invokes the target, counting and timing the run; a failure goes to the error handler. A run
     * starts when the one before it in the series ended: one clock read per run.
     */
    private Object invokeCounted(Object input) {
        long started = seriesClock;
        statistics.started(started);
        Throwable failure = null;
        lastRunFailed = false;
        try {
            return invoke(input, context);
        } catch (Throwable error) {
            failure = error;
            lastRunFailed = true;
            failed(error);
            return null;
        } finally {
            long ended = System.nanoTime();
            // The next run in the series starts now, or after the listeners if any: their time is theirs.
            seriesClock = tellRunEnded(statistics.ended(started, ended), failure) ? System.nanoTime() : ended;
        }
    }

    /**
     * Starts an async target once on the worker's aloop. The returned stage never fails: it completes with
     * whether the worker goes on, after the bookkeeping. It completes early, with {@code false}, when a
     * forced stop gives the run up; the run stays in progress until the target's own stage completes.
     */
    protected final CompletableFuture<Boolean> runAsync(Object input) {
        Aloop loop = aloop;
        RUNS_IN_PROGRESS.getAndAdd(this, 1);
        long started = System.nanoTime();
        statistics.started(started);
        CompletableFuture<Object> work;
        try {
            work = loop.spawn(() -> {
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
            runEnded();
            failed(e);
            tellRunEnded(statistics.ended(started, System.nanoTime()), e);
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Object> view = new CompletableFuture<>();
        asyncRun = view;
        work.whenComplete((result, error) -> {
            runEnded(); // before the view: whoever the view wakes must find the run over
            if (error != null) {
                view.completeExceptionally(error);
            } else {
                view.complete(result);
            }
        });
        return view.handle((result, error) -> {
            asyncRun = null;
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            // Given up by a forced stop: not a failure of the target (listeners still hear how it ended).
            boolean givenUp = cause instanceof CancellationException && !lifecycle.isActive();
            if (cause != null && !givenUp) {
                failed(cause);
            }
            tellRunEnded(statistics.ended(started, System.nanoTime()), cause);
            return givenUp ? false : cause != null || goOn(result);
        });
    }

    /** Tells the supervisor's worker listeners that a run ended; returns whether there were any. */
    private boolean tellRunEnded(long took, Throwable failure) {
        // One volatile read while nobody listens: the run path pays nothing more for the hook.
        WorkerListener listener = handle.listener();
        if (listener == null) {
            return false;
        }
        listener.runEnded(this, took, failure);
        return true;
    }

    /**
     * Counts a run that never reached the target as a failed run: the error handler and the listeners
     * hear of it, so nothing is dropped unnoticed.
     */
    final void failedBeforeTarget(long startedNanos, Throwable error) {
        statistics.started(startedNanos);
        failed(error);
        tellRunEnded(statistics.ended(startedNanos, System.nanoTime()), error);
    }

    /**
     * Counts a run whose target never started because the task decorator around it threw ({@code cause})
     * or returned without calling it ({@code cause} null).
     */
    final void failedInDecorator(Object input, Throwable cause) {
        failedBeforeTarget(System.nanoTime(), new IllegalStateException("worker '" + name + "' did not run its target"
                + (input == null ? "" : " for " + describe(input)) + ": the task decorator around the run "
                + (cause == null ? "returned without calling it" : "failed") + "; fix the TaskDecorator", cause));
    }

    /** The guard refused a run asked for at {@code asked}: a skip, told to the listeners. */
    final void skipped(long asked, RunGuard guard) {
        long took = System.nanoTime() - asked;
        statistics.skipped();
        if (log.isDebugEnabled()) { // describe() is the guard's code: not worth calling for a line nobody sees
            log.debug("Worker '{}': run skipped, refused by its run guard ({})", name, GuardedRun.describe(guard));
        }
        WorkerListener listener = handle.listener();
        if (listener != null) {
            listener.runSkipped(this, took);
        }
    }

    private static String describe(Object input) {
        return input instanceof List<?> batch ? "a batch of " + batch.size() + " item(s)" : "item " + input;
    }

    /**
     * A run failed: counted, and handed to the error handler. Not when a forced stop interrupted it: that is
     * the stop's doing (a queue hands the item back instead), and the listeners hear how the run ended.
     */
    private void failed(Throwable error) {
        if (lifecycle.isForcing()) {
            return;
        }
        statistics.failed();
        try {
            errorHandler.handle(this, error);
        } catch (RuntimeException handlerError) {
            log.error("The error handler of worker '{}' failed", name, handlerError);
        }
    }

    /**
     * Whether the last run of this thread's series failed; with {@link #isForcing()}, a queue hands its item
     * back instead of counting it handled.
     */
    final boolean lastRunFailed() {
        return lastRunFailed;
    }

    /** Whether a forced stop began since the last start. */
    final boolean isForcing() {
        return lifecycle.isForcing();
    }

    private boolean goOn(Object result) {
        if (Boolean.FALSE.equals(result)) {
            log.debug("Worker '{}': target returned false, stopping", name);
            requestStop();
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ introspection

    /** The worker's name (the start-time override while started with one). */
    @Override
    public String getName() {
        return name;
    }

    /** The supervisor the worker runs in. */
    public WorkerHost getSupervisor() {
        return host;
    }

    /** The object handed to the target, or {@code null}. */
    public Object getObject() {
        return object;
    }

    /** The worker's life-cycle state. */
    public WorkerState getState() {
        return lifecycle.state();
    }

    /** Whether the worker is started and not stopping. */
    public boolean isActive() {
        return lifecycle.isActive();
    }

    /** Whether the worker has been started at least once and is not stopped. */
    public boolean isStarted() {
        WorkerState s = lifecycle.state();
        return s == WorkerState.ACTIVE || s == WorkerState.STOPPING;
    }

    /** Whether the worker is stopped (or was never started). */
    public boolean isStopped() {
        WorkerState s = lifecycle.state();
        return s == WorkerState.STOPPED || s == WorkerState.NEW;
    }

    /** Runs finished so far, failed ones included. */
    public long getRuns() {
        return statistics.runs();
    }

    /** Runs that failed. */
    public long getFailures() {
        return statistics.failures();
    }

    /** Runs its run guard refused (see {@link RunGuard}); neither runs nor failures. */
    public long getSkips() {
        return statistics.skips();
    }

    /**
     * Whether a run is in progress now: the target running, a run guard being asked for it, or an async
     * stage not yet complete. After a forced stop this says whether the run goes on in the background.
     */
    public boolean isRunning() {
        return runsInProgress > 0;
    }

    /** Items waiting in the worker's queue; 0 for kinds without one. */
    public int getQueueSize() {
        return 0;
    }

    /** A point-in-time view of this worker; reading it resets nothing. */
    public WorkerInfo info() {
        Aloop loop = aloop;
        RunGuard guard = runGuard;
        return new WorkerInfo(name, getKind(), lifecycle.state(), loop == null ? (async ? aloopName : null) : loop.getName(),
                getSchedule(), statistics.runs(), statistics.failures(), statistics.lastRunStarted(),
                statistics.lastRunDuration(), getQueueSize(), statistics.skips(),
                guard == null ? null : GuardedRun.describe(guard));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + lifecycle.state() + "]";
    }
}
