package dev.tasksupervisor.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * the run in progress finishes, a queue drains, and the kind then calls {@link #idle(int)}, the one way to
 * {@code STOPPED} besides force. Each of these steps names the start it belongs to: a kind's callback, a
 * timer or a forced stop that runs late, after the worker stopped and started again, does nothing to the
 * new start. A hook that throws is logged and the stop goes on: a stop always ends. {@link #forceStop()} interrupts a sync run, gives up an async one (its
 * stage goes on; the run counts as in progress until it completes) and lets the kind hand back what it
 * queued. A stop called from the worker's own run cannot wait for that run: it asks and returns, and
 * {@link #restart()} from there starts the worker again once the run has ended.
 *
 * <p>Interval and event workers may have a {@link RunGuard}, asked on a pool thread before each run
 * ({@link GuardedRun}); a run it refuses is a skip, counted apart from runs and failures.
 *
 * <p>Thread safety: public methods may be called from any thread. {@code lifecycle}'s monitor serialises
 * starts and stops (and the kinds' own state); the per-start fields ({@code name}, {@code context},
 * {@code aloop}, {@code handle}) are written under it before the worker becomes ACTIVE. Settings ({@code set*})
 * are read at start; change them while the worker is not active.
 *
 * <p>Why one long class: it is what users subclass and call, settings, hooks, life cycle and introspection,
 * and half of it is their Javadoc. The life-cycle table is {@link WorkerLifecycle}'s, running the target
 * {@link WorkerRuns}'s, a queue's protocol {@link QueueDrain}'s; what stays here is the start and stop
 * sequences, which must hold the life-cycle lock across the kind's hooks.
 */
public abstract class BackgroundWorker implements Scheduler {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWorker.class);
    /** How long a forced stop waits for the interrupted run to end before it reports it as still running. */
    static final Duration INTERRUPTED_GRACE = Duration.ofMillis(100);

    private final WorkerHost host;
    private final WorkerTarget<?> target;
    private final boolean async;
    private final String configuredName;

    private volatile Object object;
    /** Error handler, backoff, run timeout, retries: one shared object while all are the defaults. */
    private volatile OnFailure onFailure = OnFailure.DEFAULTS;
    /** Made by the default error handler at the first failure (an idle worker holds none), under {@code lifecycle}. */
    private volatile RepeatedFailureLog failureLog;
    private volatile String aloopName;
    private volatile Duration pollDelay;
    /** Asked before each run of an interval or event worker; null, the default, lets every run go ahead. */
    private volatile RunGuard runGuard;

    /** Per start: written under {@code lifecycle} before the worker becomes ACTIVE. */
    private volatile String name;
    /**
     * Made by the start when it has something to capture (an object, arguments), else by the first run:
     * an idle worker without either holds none.
     */
    private volatile WorkerContext context;
    private volatile Aloop aloop;
    private volatile SchedulerHandle handle;
    /** Set by a {@link #restart()} from the worker's own run: start again once stopped. Guarded by {@code lifecycle}. */
    private boolean restartWhenStopped;

    private final WorkerLifecycle lifecycle = new WorkerLifecycle();
    private final WorkerRuns runs = new WorkerRuns(this);

    /**
     * @param supervisor the supervisor whose pool (or aloop) runs the target
     * @param name the worker's name, unique among the supervisor's workers
     * @param target what to run, or {@code null} when a subclass overrides its kind's {@code run}
     * @param async whether the target returns a {@code CompletionStage} and runs on an aloop
     */
    BackgroundWorker(WorkerHost supervisor, String name, WorkerTarget<?> target, boolean async) {
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
        Objects.requireNonNull(errorHandler, "errorHandler");
        changeOnFailure(current -> current.withHandler(errorHandler));
    }

    /**
     * How long a worker whose runs keep failing waits before the next run (a continuous or async worker's
     * next run, an interval worker's next scheduled one, an event worker's next triggered one);
     * {@link FailureBackoff#defaults()} unless set ({@link FailureBackoff#none()} runs again at once). Takes
     * effect from the next failure. A queue worker runs its next item at once: a failed item is retried by
     * its {@link RetryPolicy} instead.
     */
    public void setFailureBackoff(FailureBackoff backoff) {
        Objects.requireNonNull(backoff, "backoff");
        changeOnFailure(current -> current.withBackoff(backoff));
    }

    /**
     * The longest a run may take: past it, a sync run's thread is interrupted, an async run's stage cancelled,
     * and the run counts as failed with a {@link RunTimeoutException} (a queue worker's retry policy retries
     * it like any failure); {@code null} (the default) for no limit. Takes effect from the next run.
     *
     * @throws InvalidSettingException unless positive (or null)
     */
    public void setRunTimeout(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw InvalidSettingException.positive(owner(), "run timeout", timeout, "30s");
        }
        RunTimeout watch = timeout == null ? null : new RunTimeout(this, timeout);
        changeOnFailure(current -> current.withTimeout(watch));
    }

    /** Replaces the failure settings; under the life-cycle lock, so that two setters never lose one another's change. */
    final void changeOnFailure(java.util.function.UnaryOperator<OnFailure> change) {
        synchronized (lifecycle) {
            onFailure = change.apply(onFailure);
        }
    }

    /** The failure settings now. */
    final OnFailure onFailure() {
        return onFailure;
    }

    /** The longest a run may take; {@code null} for no limit. */
    public Duration getRunTimeout() {
        RunTimeout current = onFailure.timeout();
        return current == null ? null : current.timeout();
    }

    /** The watch over sync runs for the run timeout; null without one. */
    final RunTimeout runTimeoutWatch() {
        return onFailure.timeout();
    }

    /** The wait after failed runs; see {@link #setFailureBackoff}. */
    public FailureBackoff getFailureBackoff() {
        return onFailure.backoff();
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

    /** This worker's own poll delay, or {@code null} when it follows the supervisor's. */
    final Duration ownPollDelay() {
        return pollDelay;
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
            Object startObject = object;
            context = startObject == null && overrides.arguments().isEmpty() ? null
                    : new WorkerContext(this, startName, startObject, overrides.arguments());
            beforeStart();
            runs.resetFailuresInARow();
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
    void configure(WorkerStart overrides) {
        checkSettings(overrides);
    }

    /**
     * Checks the worker's settings as {@link #start()} would, without starting it: for a layer that builds
     * workers from configuration and wants to fail before anything starts.
     *
     * @throws InvalidSettingException naming the setting and the fix
     */
    public final void checkSettings() {
        checkSettings(WorkerStart.defaults());
    }

    /** The kind's checks of its settings with {@code overrides}; nothing for kinds without such settings. */
    void checkSettings(WorkerStart overrides) {
    }

    /** Readies the kind for a start while the worker is not yet ACTIVE (a new queue); under the life-cycle lock. */
    void onPrepare() {
    }

    /** Begins the kind's scheduling; called under the life-cycle lock, once the worker is ACTIVE. */
    abstract void onStart();

    /**
     * Tells the kind a stop of the start {@code startedIn} began: cancel timers, and call
     * {@link #idle(int)} as soon as no run is in progress (and, for a queue, the queue is drained). Called
     * once per stop, outside the lock, so the worker may have stopped and started again since: a kind
     * does nothing unless {@code startedIn} is still its start.
     */
    abstract void onStopRequested(int startedIn);

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
        int stopping;
        synchronized (lifecycle) {
            if (!lifecycle.isActive()) {
                return;
            }
            hook("beforeStop", this::beforeStop);
            lifecycle.stopRequested();
            stopping = lifecycle.generation();
        }
        onStopRequested(stopping);
    }

    /**
     * The kind has no run in progress and nothing left to run for the start {@code startedIn}: if that
     * start is stopping, the worker is now STOPPED. The one way a stop ends without force; kinds call it
     * whenever they become idle, and it does nothing unless that start is STOPPING and the kind has no run
     * left ({@link #hasRunLeft()}, asked under the same lock as the move).
     */
    final void idle(int startedIn) {
        boolean again;
        synchronized (lifecycle) {
            if (hasRunLeft() || !lifecycle.settled(startedIn)) {
                return;
            }
            again = restartWhenStopped;
            restartWhenStopped = false;
        }
        stopped(again);
    }

    /**
     * Whether the kind has a run dispatched that has not ended; asked under the life-cycle lock, so that
     * a settle never overtakes a run dispatched meanwhile. Kinds whose runs the caller of {@link #idle(int)}
     * already accounts for (a queue's drain, a continuous loop) have none.
     */
    boolean hasRunLeft() {
        return false;
    }

    /** After the move to STOPPED: the hook, and the start a restart from the worker's own run asked for. */
    private void stopped(boolean again) {
        RepeatedFailureLog failures = failureLog;
        if (failures != null) {
            failures.flush(name); // the count of failures not logged yet, rather than leave it untold
        }
        hook("afterStop", this::afterStop);
        log.debug("Worker '{}' stopped", name);
        if (again && !lifecycle.isForcing()) {
            try {
                start();
            } catch (RuntimeException | Error e) {
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
        return forceStop(Deadline.after(INTERRUPTED_GRACE));
    }

    /** As {@link #forceStop()}, giving the interrupted run until {@code grace} to end. */
    @Override
    public StopReport forceStop(Deadline grace) {
        long began = System.nanoTime();
        requestStop();
        StopReport.Builder report = StopReport.builder();
        int forced = lifecycle.forcing();
        if (forced < 0) {
            return report.build(Duration.ZERO); // not stopping: never started, or stopped already
        }
        onForcing(forced);
        Thread thread;
        CompletableFuture<?> asyncRun;
        synchronized (lifecycle) {
            // Under the lock, so that no new start (whose run this would hit) can begin in between.
            if (lifecycle.generation() != forced) {
                return report.build(Duration.ZERO); // the stop ended meanwhile, and the worker started again
            }
            thread = runs.interrupt();
            asyncRun = runs.asyncRun();
        }
        runs.giveUp(asyncRun); // outside the lock: what the async run's end calls may run here
        report.undelivered(name, onForced(forced, grace));
        boolean ended = runs.awaitEnded(grace);
        if (!ended) {
            log.warn("Worker '{}' did not finish its run within the stop timeout: it is stopped, but its run (its "
                    + "target, or the run guard asked before it) is still going on {}", name,
                    thread != null ? thread.getName() : async ? "its aloop" : "a pool thread");
        }
        report.forcedWorker(name, !ended);
        boolean settled;
        synchronized (lifecycle) {
            settled = lifecycle.settled(forced);
            if (settled) {
                restartWhenStopped = false; // a forced stop ends a restart asked for by the run it stopped
            }
        }
        if (settled) {
            stopped(false);
        }
        return report.build(Duration.ofNanos(System.nanoTime() - began));
    }

    /** The grace in milliseconds, for Javadoc. */
    private static final long INTERRUPTED_GRACE_MILLIS = 100;

    /**
     * Tells a kind that a forced stop of the start {@code startedIn} begins, before its run is interrupted:
     * run nothing new from now on. Outside the lock: a kind ignores it unless that is still its start.
     */
    void onForcing(int startedIn) {
    }

    /**
     * Lets a kind give up the pending work of the start {@code startedIn} in a forced stop, after its run
     * was interrupted or given up, by {@code grace} at the latest; returns what it handed back (a queue's
     * items), in order.
     */
    List<?> onForced(int startedIn, Deadline grace) {
        return List.of();
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

    /** Runs a stop hook; one that throws is logged, and the stop goes on: a stop must always end. */
    private void hook(String which, Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException | Error e) {
            log.error("The {} hook of worker '{}' failed; the stop goes on", which, name, e);
        }
    }

    // ------------------------------------------------------------------ running the target

    /**
     * Refuses a trigger unless the worker is active.
     *
     * @throws WorkerNotActiveException naming the worker and its state
     */
    final void requireActiveToTrigger() {
        if (!lifecycle.isActive()) {
            WorkerState s = lifecycle.state();
            throw new WorkerNotActiveException(name, s, getKind().name().toLowerCase(Locale.ROOT) + " worker '" + name
                    + "' is " + s + ": start it before triggering it");
        }
    }

    /** Which start this is; work dispatched under an earlier one must stop when it sees a newer value. */
    final int generation() {
        return lifecycle.generation();
    }

    /** Whether the calling thread runs this worker's target now: a stop cannot wait for it. */
    private boolean isOwnRun() {
        Aloop loop = aloop;
        return runs.isRunner(Thread.currentThread()) || (loop != null && loop.inLoop());
    }

    /**
     * Whether the start {@code startedIn} that dispatched a run is over: a forced stop began, the worker
     * stopped (a graceful stop is still STOPPING while it waits for the run), or it has been started again
     * since. The state is read before the generation: a start writes them in the other order, so a reader
     * that sees the new start's ACTIVE also sees its generation.
     */
    final boolean startEnded(int startedIn) {
        WorkerState s = lifecycle.state();
        return s == WorkerState.STOPPED || lifecycle.generation() != startedIn || lifecycle.isForcing();
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
    Object invoke(Object input, WorkerContext context) throws Exception {
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
        UnaryOperator<Runnable> decorator = runDecorator();
        return decorator == null ? null : ContextRun.capture(this, decorator, item);
    }

    /**
     * Whether a put on the calling thread has a context to capture: the supervisor has a task decorator for this
     * sync target, and it is no {@link ConditionalTaskDecorator} that says this thread has nothing to carry.
     */
    final boolean hasContextToCapture() {
        UnaryOperator<Runnable> decorator = runDecorator();
        return decorator != null && (!(decorator instanceof ConditionalTaskDecorator conditional)
                || conditional.hasContext());
    }

    /** The supervisor's task decorator for a sync target, else null. */
    private UnaryOperator<Runnable> runDecorator() {
        return async ? null : handle.taskDecorator();
    }

    /** Whether {@link #captureRun} captures anything in the current start. */
    final boolean capturesContext() {
        return runDecorator() != null;
    }

    /** The loop for this worker's timers: its aloop for an async target, else the supervisor's own loop. */
    final Aloop timerLoop() {
        Aloop loop = aloop;
        return loop != null ? loop : handle.timerLoop();
    }

    /** How this worker runs its target: the run machinery its kinds and a forced stop use. */
    final WorkerRuns runs() {
        return runs;
    }

    /**
     * The context handed to the target in the current start, made at its first run: runs never overlap, so
     * two runs cannot both make one, and the volatile field hands it to the runs after.
     */
    final WorkerContext context() {
        WorkerContext c = context;
        if (c == null) {
            c = new WorkerContext(this, name, null, Map.of());
            context = c;
        }
        return c;
    }

    /** The monitor of the life cycle, which the kinds use for their own few fields too: one object fewer each. */
    final Object monitor() {
        return lifecycle;
    }

    final WorkerErrorHandler errorHandler() {
        return onFailure.handler();
    }

    /** Where the default error handler logs this worker's failures, once per kind of failure and period. */
    final RepeatedFailureLog failureLog() {
        RepeatedFailureLog current = failureLog;
        if (current != null) {
            return current;
        }
        synchronized (lifecycle) { // once per worker: the lock is not taken again once the log exists
            if (failureLog == null) {
                failureLog = new RepeatedFailureLog(RepeatedFailureLog.PERIOD);
            }
            return failureLog;
        }
    }

    /** Whether a forced stop began since the last start. */
    final boolean isForcing() {
        return lifecycle.isForcing();
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
        return runs.statistics().runs();
    }

    /** Runs that failed. */
    public long getFailures() {
        return runs.statistics().failures();
    }

    /** Runs its run guard refused (see {@link RunGuard}); neither runs nor failures. */
    public long getSkips() {
        return runs.statistics().skips();
    }

    /**
     * Whether a run is in progress now: the target running, a run guard being asked for it, or an async
     * stage not yet complete. After a forced stop this says whether the run goes on in the background.
     */
    public boolean isRunning() {
        return runs.isRunning();
    }

    /** When the last successful run ended, or {@code null} before the first. */
    public Instant getLastSuccess() {
        return runs.statistics().lastSuccess();
    }

    /** When the next scheduled run is due; {@code null} for kinds that run on other cues than time. */
    public Instant getNextRun() {
        return null;
    }

    /** Items waiting in the worker's queue; 0 for kinds without one. */
    public int getQueueSize() {
        return 0;
    }

    /** A point-in-time view of this worker; reading it resets nothing. */
    public WorkerInfo info() {
        Aloop loop = aloop;
        RunGuard guard = runGuard;
        RunStatistics statistics = runs.statistics();
        QueueWorker<?> queue = this instanceof QueueWorker<?> q ? q : null;
        return new WorkerInfo(name, getKind(), lifecycle.state(), loop == null ? (async ? aloopName : null) : loop.getName(),
                getSchedule(), statistics.runs(), statistics.failures(), statistics.lastRunStarted(),
                statistics.lastRunDuration(), getQueueSize(), statistics.skips(),
                guard == null ? null : GuardedRun.describe(guard), queue == null ? 0 : queue.getRetryCount(),
                queue == null ? 0 : queue.getRetryingCount(), queue == null ? 0 : queue.getDeadLetterCount(),
                queue == null ? 0 : queue.getDeadLettersKeptCount(), statistics.failuresInARow(),
                queue != null && queue.isPaused(), queue == null ? 0 : queue.capacityInForce(), statistics.lastError(),
                statistics.lastOutcome(), statistics.lastSuccess(), getNextRun(),
                this instanceof IntervalWorker interval ? interval.getMisfires() : 0);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + lifecycle.state() + "]";
    }
}
