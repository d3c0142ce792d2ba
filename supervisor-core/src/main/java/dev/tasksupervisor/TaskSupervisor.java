package dev.tasksupervisor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lifecycle.Deadline;
import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.lifecycle.Stoppable;
import dev.tasksupervisor.pool.PoolInfo;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.RunObserver;
import dev.tasksupervisor.worker.Scheduler;
import dev.tasksupervisor.worker.SchedulerHandle;
import dev.tasksupervisor.worker.TriggerableWorker;
import dev.tasksupervisor.worker.WorkerHost;
import dev.tasksupervisor.worker.WorkerInfo;
import dev.tasksupervisor.worker.WorkerListener;

/**
 * Runs an application's background work: a resizable thread pool with optional priorities, named async
 * loops ("aloops"), and the workers registered with it. The Java port of neotasker's task supervisor.
 *
 * <pre>{@code
 * TaskSupervisor supervisor = new TaskSupervisor("my_supervisor");
 * supervisor.setPoolSettings(PoolSettings.builder().maxSize(20).build());
 * supervisor.start();
 * CompletableFuture<String> answer = supervisor.spawn(() -> fetch());
 * Aloop loop = supervisor.createAloop("io", true, true, true);
 * supervisor.stop();
 * }</pre>
 *
 * <p>Life cycle ({@link SupervisorState}), the one place it changes being {@link #moveTo}:
 * <pre>
 * NEW      -- start() ----------------------------------------------&gt; ACTIVE
 * NEW      -- stop(), requestStop() --------------------------------&gt; STOPPED   (nothing ever ran)
 * ACTIVE   -- stop(), stop(Duration), requestStop(), forceStop() ---&gt; STOPPING  (new tasks refused)
 * STOPPING -- the stop sequence ended ({@link SupervisorStop}) -----&gt; STOPPED   (the report is there)
 * </pre>
 * Spawning before start is an {@link IllegalStateException}; once stopping, a
 * {@link RejectedExecutionException}. The supervisor's own threads are daemon threads, so one that
 * nobody stopped does not keep the JVM alive; call {@link #stop()} (or {@link #block()}) before
 * {@code main} returns to let accepted work finish.
 *
 * <p>Stopping has the verbs of every {@link Stoppable}, and neotasker's flags as {@link StopOptions}. A stop
 * called on one of the supervisor's own threads (a task, a worker's target, an aloop) cannot wait for the
 * work it is part of, so it goes on in the background, on a daemon thread {@code supervisor_<id>_stopper};
 * called from a hook on the thread that runs the stop, it returns at once, the stop under way.
 *
 * <p>Thread safety: every public method may be called from any thread. State transitions, aloop creation
 * and configuration are serialised by {@code lifecycle}; {@code state} and {@code pool} are volatile so
 * that {@link #spawn} reads them without a lock. Subclasses may override public methods; call
 * {@code super} to keep the supervisor's guarantees.
 *
 * <p>Why one long class: it is the public face, and most of its length is the Javadoc of its API (neotasker's
 * verbs, each a method). The machinery behind it lives apart, package-private: the pool ({@link TaskPool}),
 * the aloops ({@link AloopRegistry}), the schedulers ({@link SchedulerRegistry}), the stop sequence
 * ({@link SupervisorStop}); what stays here is the life cycle and the delegation.
 */
public class TaskSupervisor implements WorkerHost, Stoppable {

    private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

    /** The id whose thread names carry no id: {@code supervisor_aloop_<name>}. */
    public static final String DEFAULT_ID = "default";
    /** The aloop name reserved for the supervisor's own loop (health checks, worker timers). */
    public static final String RESERVED_ALOOP_NAME = "__supervisor__";
    /** The default poll delay. */
    public static final Duration DEFAULT_POLL_DELAY = Duration.ofMillis(10);
    /**
     * How long the stop of {@link #registerShutdownHook()} drains before it forces and hands back: within
     * the 10 s that {@code docker stop} (and the 30 s that Kubernetes) give a process between SIGTERM and
     * SIGKILL.
     */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(8);

    private final String id;
    private final String threadNamePrefix;
    private final Object lifecycle = new Object();
    /** Written under {@code lifecycle}. */
    private volatile SupervisorState state = SupervisorState.NEW;
    /** The settings to start with; once started, the pool's own are the ones in force. */
    private volatile PoolSettings poolSettings = PoolSettings.defaults();
    private volatile Duration pollDelay = DEFAULT_POLL_DELAY;
    /** Configuration that takes effect at start; guarded by {@code lifecycle}. */
    private ExecutorService replacementExecutor;
    private volatile UnaryOperator<Runnable> taskDecorator;
    /** Written before start, under {@code lifecycle}; read on every run and spawn. */
    private volatile RunObserver runObserver;
    /** Set once at start, under {@code lifecycle}. */
    private volatile TaskPool pool;
    private volatile ThreadAloop ownLoop;
    private final AloopRegistry aloops;
    private final SchedulerRegistry schedulers;
    private final SchedulerHandle handle;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** What the stop could not finish; written once under {@code lifecycle} before {@code stopped} opens. */
    private volatile StopReport stopReport;
    /**
     * The thread running the stop sequence while it runs (the caller of {@code stop}, or the background
     * stopper): a stop or {@code block()} called on it, from a hook of a worker it stops, must not wait.
     */
    private volatile Thread stopper;
    /** The JVM shutdown hook {@link #registerShutdownHook} added, until the stop removes it; guarded by {@code lifecycle}. */
    private Thread shutdownHook;
    /** How often a stop that waits for workers logs what it waits for; a setting for tests. */
    private volatile Duration stopProgressInterval = SupervisorStop.PROGRESS_INTERVAL;

    /** A supervisor with a random UUID as its id. */
    public TaskSupervisor() {
        this(UUID.randomUUID().toString());
    }

    /**
     * A supervisor with the given id, used in logs and thread names.
     *
     * @throws IllegalArgumentException if {@code id} is empty
     */
    public TaskSupervisor(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("supervisor id must not be empty");
        }
        this.id = id;
        this.threadNamePrefix = DEFAULT_ID.equals(id) ? "supervisor_" : "supervisor_" + id + "_";
        this.aloops = new AloopRegistry(id, threadNamePrefix);
        this.schedulers = new SchedulerRegistry(id);
        this.handle = new SupervisorHandle(this, aloops, schedulers);
    }

    // ---------------------------------------------------------------- configuration

    /** The supervisor's id. */
    @Override
    public String getId() {
        return id;
    }

    /**
     * Sets the pool's sizes, priority limits and health check. Before start they take effect at start;
     * while running they apply at once (neotasker's {@code set_thread_pool}): the pool grows or shrinks
     * without losing or blocking queued tasks.
     *
     * @throws IllegalStateException after stop, or when the new settings switch virtual threads while
     *     running
     */
    public void setPoolSettings(PoolSettings settings) {
        Objects.requireNonNull(settings, "settings");
        TaskPool current;
        synchronized (lifecycle) {
            requireNotStopped("change the pool settings");
            current = pool;
            if (current == null) {
                poolSettings = settings;
                return;
            }
        }
        // Outside the life-cycle lock: applying may hand waiting tasks to the executor.
        current.apply(settings);
    }

    /** The pool settings in force (or to be used at start). */
    public PoolSettings getPoolSettings() {
        TaskPool current = pool;
        return current == null ? poolSettings : current.settings();
    }

    /**
     * Resizes the pool: {@code minSize} threads kept, at most {@code maxSize} running. Validated before
     * anything changes. Returns at once: the threads a larger {@code minSize} asks for start in the
     * background, one after the other ({@link PoolInfo#currentSize()} shows how far). If the system refuses one
     * ({@code OutOfMemoryError: unable to create native thread}), the sizes go back to those the pool had
     * reached, the reason is logged at ERROR and shown in {@link PoolInfo#growthFailure()} until the next
     * resize, and the pool runs on with the threads it has.
     *
     * @throws InvalidSettingException if a size is negative or {@code minSize > maxSize}
     * @throws IllegalStateException after stop, or when the system refuses even the one thread that starts
     *     the others (the sizes are then left as they were)
     */
    public void resizePool(int minSize, int maxSize) {
        TaskPool current = pool;
        if (current == null) {
            setPoolSettings(poolSettings.toBuilder().minSize(minSize).maxSize(maxSize).build());
        } else {
            requireNotStopped("resize the pool");
            current.resize(minSize, maxSize);
        }
    }

    /**
     * Replaces the supervisor's own pool by {@code executor} (a virtual-thread executor, a
     * {@code ForkJoinPool}, your own). The supervisor shuts it down when it stops. Only before start.
     */
    public void setExecutor(ExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        synchronized (lifecycle) {
            requireNew("replace the pool");
            replacementExecutor = executor;
        }
    }

    /**
     * Wraps every task the pool runs, worker targets included: the hook for carrying context (MDC,
     * security, tracing) into pool threads. A {@link dev.tasksupervisor.worker.ConditionalTaskDecorator} may say
     * that a thread has nothing to carry, and its queue puts then capture nothing. Only before start.
     */
    public void setTaskDecorator(UnaryOperator<Runnable> decorator) {
        synchronized (lifecycle) {
            requireNew("set a task decorator");
            taskDecorator = decorator;
        }
    }

    /**
     * Sees every run of this supervisor's workers and every task it spawns, on the thread that runs it: the hook
     * for tracing (see {@link RunObserver}; the Spring Boot starter sets one that makes each a Micrometer
     * Observation). The caller's context reaches the runs through the task decorator, so set one that carries
     * it too. {@code null} removes it. Only before start.
     */
    public void setRunObserver(RunObserver observer) {
        synchronized (lifecycle) {
            requireNew("set a run observer");
            runObserver = observer;
        }
    }

    /**
     * The poll delay (default 10 ms): how long an event worker waits after a run before it runs again for
     * triggers that arrived meanwhile, and how long a batch queue worker lingers to fill a batch. It never
     * slows a plain queue worker.
     */
    @Override
    public Duration getPollDelay() {
        return pollDelay;
    }

    /**
     * Sets the poll delay; any time, taking effect from each worker's next wait.
     *
     * @throws InvalidSettingException if negative
     */
    public void setPollDelay(Duration pollDelay) {
        Objects.requireNonNull(pollDelay, "pollDelay");
        if (pollDelay.isNegative()) {
            throw InvalidSettingException.notNegative(null, "poll delay", pollDelay,
                    "set it to 0 or a positive duration");
        }
        this.pollDelay = pollDelay;
    }

    // ---------------------------------------------------------------- life cycle

    /**
     * Starts the pool, the supervisor's own loop and the aloops created with {@code start = true}.
     *
     * @throws IllegalStateException if already started or stopped
     */
    public void start() {
        PoolSettings s;
        synchronized (lifecycle) {
            if (!state.canMoveTo(SupervisorState.ACTIVE)) {
                throw new IllegalStateException("task supervisor '" + id + "' is " + state
                        + " and cannot start: a supervisor starts once; create a new one");
            }
            ThreadAloop loop = aloops.newOwnLoop();
            loop.start();
            s = poolSettings;
            TaskPool newPool = new TaskPool("task supervisor '" + id + "'", threadNamePrefix + "pool_", s,
                    replacementExecutor, taskDecorator);
            newPool.startHealthCheck(loop);
            ownLoop = loop;
            pool = newPool;
            moveTo(SupervisorState.ACTIVE);
            aloops.supervisorStarted();
        }
        log.info("Task supervisor '{}' started: pool {}..{} threads{}", id, s.minSize(), s.maxSize(),
                s.prioritiesEnabled() ? ", priorities on" : "");
    }

    /**
     * Stops this supervisor when the JVM shuts down (SIGTERM, Ctrl-C, {@code System.exit}, or the last
     * non-daemon thread ending), as {@link #stop(StopOptions)} with a timeout of
     * {@link #DEFAULT_SHUTDOWN_TIMEOUT}: queues drain until then, and what is left goes to the
     * undelivered-items handlers before the JVM exits. As Spring's {@code registerShutdownHook()} does for a
     * context; under Spring Boot the context stops the supervisor, so this is for plain Java programs. A
     * stop that ends first removes the hook.
     */
    public void registerShutdownHook() {
        registerShutdownHook(StopOptions.defaults().withTimeout(DEFAULT_SHUTDOWN_TIMEOUT));
    }

    /**
     * As {@link #registerShutdownHook()}, stopping as {@code options} say. Their timeout must be shorter than
     * the time your platform allows between SIGTERM and SIGKILL, or a long drain is killed halfway and what
     * was still queued is lost. It is required: a target that calls {@code System.exit} blocks until the
     * hooks have run, while a stop without a deadline would wait for that very run. Called again, replaces
     * the hook.
     *
     * @throws IllegalArgumentException if {@code options} have no timeout
     * @throws IllegalStateException once the supervisor is stopping or stopped
     */
    public void registerShutdownHook(StopOptions options) {
        Objects.requireNonNull(options, "options");
        if (options.timeout() == null) {
            throw new IllegalArgumentException("the shutdown hook of task supervisor '" + id + "' needs a timeout: "
                    + "the JVM waits for it, and SIGKILL follows SIGTERM; use options.withTimeout(...), such as "
                    + "TaskSupervisor.DEFAULT_SHUTDOWN_TIMEOUT");
        }
        synchronized (lifecycle) {
            if (state == SupervisorState.STOPPING || state == SupervisorState.STOPPED) {
                throw new IllegalStateException("task supervisor '" + id + "' is " + state + ": a shutdown hook "
                        + "would have nothing to stop; register it before stopping the supervisor");
            }
            Thread hook = new Thread(() -> {
                log.info("Task supervisor '{}': the JVM is shutting down, stopping", id);
                stop(options);
            }, threadNamePrefix + "shutdown_hook");
            Runtime.getRuntime().addShutdownHook(hook);
            removeShutdownHook();
            shutdownHook = hook;
        }
    }

    /** Removes the hook, if any, unless the JVM is running it already. Caller holds {@code lifecycle}. */
    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs, and finds the supervisor stopped
            }
        }
    }

    /** Sets how often a stop that waits logs what it waits for; for tests, which cannot wait 5 s for a line. */
    void setStopProgressInterval(Duration interval) {
        this.stopProgressInterval = Objects.requireNonNull(interval, "interval");
    }

    /** Begins a graceful stop and returns at once (neotasker's {@code stop(wait=False)}); see {@link #requestStop(StopOptions)}. */
    @Override
    public void requestStop() {
        requestStop(StopOptions.defaults());
    }

    /**
     * Begins a stop with {@code options} and returns at once: workers are asked to stop now (puts and
     * triggers are refused from this moment, as spawns are), and the rest of the stop goes on in the
     * background on a daemon thread {@code supervisor_<id>_stopper}, forcing what is left when the
     * options' timeout runs out. {@link #awaitStop}, {@link #block()} and {@link #getStopReport()} tell
     * when it is done. Does nothing once a stop is under way.
     */
    public void requestStop(StopOptions options) {
        Objects.requireNonNull(options, "options");
        Deadline deadline = deadlineOf(options);
        if (beginStop()) {
            stopInBackground(deadline, options, System.nanoTime());
        }
    }

    /** Stops with the defaults: waits for tasks and loops, stops the workers first, cancels nothing. */
    @Override
    public StopReport stop() {
        return stop(StopOptions.defaults());
    }

    /**
     * Stops, waiting at most {@code wait}; then workers still running are forced (their run interrupted, a
     * queue's remaining items handed back), pool tasks not yet started are cancelled, running ones
     * interrupted, and pending aloop work cancelled.
     */
    @Override
    public StopReport stop(Duration wait) {
        return stop(StopOptions.defaults().withTimeout(wait));
    }

    @Override
    public StopReport stop(Deadline deadline) {
        return stop(StopOptions.defaults().withTimeout(deadline.remaining()));
    }

    /**
     * Stops as {@code options} say (the sequence is {@link SupervisorStop}'s). New tasks are rejected from
     * the first moment; tasks already accepted (those held back by priority limits too) still run.
     * Interrupted work gets 100 ms (or the poll delay, if longer) to end; the call returns then, and the
     * report names what still runs. Called from one of the supervisor's own threads, the stop goes on in
     * the background with the same deadline, and the report says it is under way.
     *
     * @return what the stop could not finish in time; for a caller that was not the first to stop, the
     *     first stop's report if it ended within the timeout, else a report that it is still under way
     */
    public StopReport stop(StopOptions options) {
        Objects.requireNonNull(options, "options");
        return stop(options, false);
    }

    /**
     * A stop as {@code options} say; {@code force} (for {@link #forceStop()}) forces a stop already under
     * way instead of waiting for it. Deciding between the two is {@link #beginStop()}'s, under the lock.
     */
    private StopReport stop(StopOptions options, boolean force) {
        long began = System.nanoTime();
        Deadline deadline = deadlineOf(options);
        boolean canWait = !onOwnThread();
        if (beginStop()) {
            if (canWait) {
                return finishStop(deadline, options, began);
            }
            stopInBackground(deadline, options, began);
        } else if (force && state == SupervisorState.STOPPING) {
            return forceUnderWay(began);
        } else if (canWait) {
            awaitStopped(deadline);
        }
        StopReport report = stopReport;
        if (report != null) {
            return report;
        }
        return state == SupervisorState.STOPPED
                ? StopReport.builder().build(Duration.ZERO) // stopped before it started: nothing to report
                : StopReport.underWay(Duration.ofNanos(System.nanoTime() - began));
    }

    /**
     * Stops now: workers forced, pool tasks cancelled or interrupted, aloop work cancelled. A stop already
     * under way elsewhere is forced too; its report is the one {@link #getStopReport()} has at the end.
     */
    @Override
    public StopReport forceStop() {
        return stop(StopOptions.defaults().withTimeout(Duration.ZERO).withCancelTasks(true), true);
    }

    /** Forces the parts of a stop begun by another caller, which goes on and makes the final report. */
    private StopReport forceUnderWay(long began) {
        StopReport.Builder report = StopReport.builder();
        SupervisorStop.forceAll(id, schedulers.all(), report);
        report.poolTasks(pool.shutdownNow(), 0);
        SupervisorStop.forceAll(id, aloops.all(), report);
        return report.build(Duration.ofNanos(System.nanoTime() - began));
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(Deadline.nanos(timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * What the stop could not finish, once the supervisor is {@code STOPPED}; empty before that, and for a
     * supervisor stopped before it started.
     */
    public Optional<StopReport> getStopReport() {
        return Optional.ofNullable(stopReport);
    }

    /**
     * Blocks the calling thread while the supervisor is active; returns once it has stopped.
     *
     * @throws IllegalStateException on one of the supervisor's own threads (a task, a worker's target, an
     *     aloop): the stop waits for that very thread, so this would never return
     */
    public void block() throws InterruptedException {
        if (isOwnThread()) {
            throw new IllegalStateException("block() called on " + Thread.currentThread().getName() + ", a thread of "
                    + "task supervisor '" + id + "' itself: its stop would wait for this thread, so block() would never "
                    + "return; call it from the thread that owns the supervisor (main), or use awaitStop(Duration)");
        }
        stopped.await();
    }

    /** Whether the supervisor is started and not stopping. */
    public boolean isActive() {
        return state == SupervisorState.ACTIVE;
    }

    /** The supervisor's life-cycle state. */
    public SupervisorState getState() {
        return state;
    }

    private static Deadline deadlineOf(StopOptions options) {
        return options.timeout() == null ? Deadline.none() : Deadline.after(options.timeout());
    }

    /** Moves an active supervisor to STOPPING; returns whether this call is the one that stops it. */
    private boolean beginStop() {
        synchronized (lifecycle) {
            if (state == SupervisorState.NEW) {
                moveTo(SupervisorState.STOPPED);
                removeShutdownHook();
                stopped.countDown();
                return false;
            }
            if (state != SupervisorState.ACTIVE) {
                return false; // another stop is under way or done
            }
            moveTo(SupervisorState.STOPPING);
            return true;
        }
    }

    /** Runs the rest of a stop begun by this call on the stopper thread. */
    private void stopInBackground(Deadline deadline, StopOptions options, long began) {
        SupervisorStop sequence = new SupervisorStop(id, schedulers, aloops, pollDelay, stopProgressInterval);
        if (options.stopSchedulers()) {
            sequence.askSchedulers(); // at once, so that put and trigger are refused from the first moment
        }
        Thread t = new Thread(() -> {
            try {
                finishStop(deadline, options, began);
            } catch (Throwable e) {
                log.error("Task supervisor '{}': stopping in the background failed", id, e);
            }
        }, threadNamePrefix + "stopper");
        t.setDaemon(true); // like the pool's threads: a stop in the background does not keep the JVM alive
        t.start();
    }

    /**
     * The stop itself, by the caller that began it (or the stopper thread). Ends STOPPED whatever fails on
     * the way: a supervisor left STOPPING would hang every {@link #block()}.
     */
    private StopReport finishStop(Deadline deadline, StopOptions options, long began) {
        StopReport report = null;
        stopper = Thread.currentThread();
        try {
            report = new SupervisorStop(id, schedulers, aloops, pollDelay, stopProgressInterval)
                    .run(pool, ownLoop, deadline, options, began);
            return report;
        } finally {
            synchronized (lifecycle) {
                stopReport = report != null ? report
                        : StopReport.builder().build(Duration.ofNanos(System.nanoTime() - began)); // failed on the way
                moveTo(SupervisorState.STOPPED);
                removeShutdownHook();
            }
            stopper = null;
            stopped.countDown();
        }
    }

    private void awaitStopped(Deadline deadline) {
        try {
            if (deadline.isNone()) {
                stopped.await();
            } else {
                stopped.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The one place {@code state} changes. Caller holds {@code lifecycle}. */
    private void moveTo(SupervisorState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("task supervisor '" + id + "' cannot go from " + state + " to " + next);
        }
        state = next;
    }

    /**
     * Whether the calling thread is one of the supervisor's own (a pool thread, an aloop, the thread running
     * the stop), which a stop must not wait on: it would wait for itself. Logs why the stop does not wait.
     */
    private boolean onOwnThread() {
        boolean ownThread = isOwnThread();
        if (ownThread) {
            log.info("Task supervisor '{}': stop called on its own thread {}, which the stop would wait for: the stop "
                    + "goes on in the background", id, Thread.currentThread().getName());
        }
        return ownThread;
    }

    private boolean isOwnThread() {
        TaskPool p = pool;
        ThreadAloop own = ownLoop;
        return (p != null && p.isPoolThread()) || (own != null && own.inLoop()) || Thread.currentThread() == stopper
                || aloops.all().stream().anyMatch(Aloop::inLoop);
    }

    private void requireNew(String action) {
        if (state != SupervisorState.NEW) {
            throw new IllegalStateException("task supervisor '" + id + "' is " + state + ": " + action
                    + " before calling start()");
        }
    }

    private void requireNotStopped(String action) {
        if (state == SupervisorState.STOPPING || state == SupervisorState.STOPPED) {
            throw new IllegalStateException("task supervisor '" + id + "' is " + state + ": cannot " + action);
        }
    }

    /** The pool, once started; for the handle. */
    TaskPool pool() {
        return pool;
    }

    /** The supervisor's own loop, once started; for the handle. */
    ThreadAloop ownLoop() {
        ThreadAloop loop = ownLoop;
        if (loop == null) {
            throw new IllegalStateException("task supervisor '" + id + "' is not started: call start() first");
        }
        return loop;
    }

    /** The task decorator, or {@code null}; for the handle. */
    UnaryOperator<Runnable> taskDecorator() {
        return taskDecorator;
    }

    /** The run observer, or {@code null}; for the handle. */
    RunObserver runObserver() {
        return runObserver;
    }

    // ---------------------------------------------------------------- tasks

    /**
     * Runs {@code task} on the pool with {@link Priority#NORMAL}.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once stopping
     */
    public CompletableFuture<Void> spawn(Runnable task) {
        return submit(Priority.NORMAL, task);
    }

    /**
     * Runs {@code task} on the pool with {@link Priority#NORMAL}; the future completes with its result.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once stopping
     */
    public <T> CompletableFuture<T> spawn(Callable<T> task) {
        return submit(Priority.NORMAL, task);
    }

    /**
     * Runs {@code task} on the pool with the given priority (ignored while priorities are off).
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once stopping
     */
    public CompletableFuture<Void> spawn(Priority priority, Runnable task) {
        return submit(priority, task);
    }

    /**
     * Runs {@code task} on the pool with the given priority (ignored while priorities are off); the future
     * completes with its result.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once stopping
     */
    public <T> CompletableFuture<T> spawn(Priority priority, Callable<T> task) {
        return submit(priority, task);
    }

    // Each spawn calls these rather than another spawn: a subclass overriding one spawn must not see the others.
    private CompletableFuture<Void> submit(Priority priority, Runnable task) {
        TaskPool p = activePool();
        RunObserver observer = runObserver; // without one, the task goes to the pool as it is
        return p.submit(priority, observer == null ? task : ObservedTask.of(observer, priority, task));
    }

    private <T> CompletableFuture<T> submit(Priority priority, Callable<T> task) {
        TaskPool p = activePool();
        RunObserver observer = runObserver;
        return p.submit(priority, observer == null ? task : ObservedTask.of(observer, priority, task));
    }

    private TaskPool activePool() {
        SupervisorState current = state;
        if (current == SupervisorState.ACTIVE) {
            return pool;
        }
        if (current == SupervisorState.NEW) {
            throw new IllegalStateException("task supervisor '" + id + "' is not started: call start() before "
                    + "spawning tasks or starting workers");
        }
        throw new RejectedExecutionException("task supervisor '" + id + "' is " + current
                + " and accepts no new tasks");
    }

    // ---------------------------------------------------------------- aloops

    /** Creates and starts a non-default, non-daemon aloop. */
    public Aloop createAloop(String name) {
        return createAloop(name, false, false, true);
    }

    /**
     * Creates an aloop: a named event loop on its own thread, {@code supervisor_aloop_<name>} for the
     * supervisor with id {@code default}, {@code supervisor_<id>_aloop_<name>} for others.
     *
     * @param name a name unique in this supervisor; {@value #RESERVED_ALOOP_NAME} is reserved
     * @param isDefault make it the default aloop (where async targets that name none run)
     * @param daemon make its thread a daemon thread; a non-daemon aloop keeps the JVM alive until stopped
     * @param start start it now, or with the supervisor if that has not started yet
     * @throws IllegalArgumentException for an empty, reserved or duplicate name
     * @throws IllegalStateException once the supervisor is stopping
     */
    public Aloop createAloop(String name, boolean isDefault, boolean daemon, boolean start) {
        synchronized (lifecycle) {
            requireNotStopped("create aloop '" + name + "'");
            return aloops.create(name, isDefault, daemon, start, state == SupervisorState.ACTIVE);
        }
    }

    /**
     * Starts an aloop created with {@code start = false}; before the supervisor starts, the aloop starts
     * with it.
     *
     * @throws IllegalArgumentException if there is no aloop of that name
     */
    public void startAloop(String name) {
        synchronized (lifecycle) {
            requireNotStopped("start aloop '" + name + "'");
            aloops.start(name, state == SupervisorState.ACTIVE);
        }
    }

    /** Stops an aloop after its pending work is done. The supervisor stops every aloop when it stops. */
    public StopReport stopAloop(String name) {
        return aloops.get(name).stop();
    }

    /** The aloop with this name, if there is one. */
    public Optional<Aloop> findAloop(String name) {
        return aloops.find(name);
    }

    /**
     * The aloop with this name.
     *
     * @throws IllegalArgumentException if there is none
     */
    public Aloop getAloop(String name) {
        return aloops.get(name);
    }

    /** Every aloop of this supervisor, by name (the supervisor's own loop excluded). */
    public List<Aloop> getAloops() {
        return aloops.all();
    }

    /** The default aloop, if one is set. */
    public Optional<Aloop> getDefaultAloop() {
        return aloops.defaultAloop();
    }

    /**
     * Makes the named aloop the default one.
     *
     * @throws IllegalArgumentException if there is no aloop of that name
     */
    public void setDefaultAloop(String name) {
        aloops.setDefault(name);
    }

    // ---------------------------------------------------------------- workers and schedulers

    /**
     * Registers a scheduler under its name, so the supervisor stops it when it stops (neotasker's
     * {@code register_scheduler}). Workers register themselves when they start and stay registered,
     * stopped or not, until unregistered. Registering the same object again (under a new name) is fine.
     *
     * @return what the scheduler runs with: the pool, the supervisor's own loop, the aloops, the listeners
     * @throws IllegalArgumentException if another scheduler has that name
     * @throws IllegalStateException once the supervisor is stopping
     */
    @Override
    public SchedulerHandle registerScheduler(Scheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        synchronized (lifecycle) {
            requireNotStopped("register '" + scheduler.getName() + "'");
        }
        schedulers.register(scheduler);
        return handle;
    }

    /** Forgets a scheduler: the supervisor will not stop it. Does not stop it. */
    @Override
    public void unregisterScheduler(Scheduler scheduler) {
        schedulers.unregister(scheduler);
    }

    /** The worker registered under this name, if any. */
    public Optional<BackgroundWorker> findWorker(String name) {
        return schedulers.findWorker(name);
    }

    /**
     * The worker registered under this name.
     *
     * @throws IllegalArgumentException if there is none
     */
    public BackgroundWorker getWorker(String name) {
        return schedulers.getWorker(name);
    }

    /**
     * The worker registered under this name, as the given type.
     *
     * @throws IllegalArgumentException if there is none, or it is of another type
     */
    public <W extends BackgroundWorker> W getWorker(String name, Class<W> type) {
        BackgroundWorker worker = getWorker(name);
        if (!type.isInstance(worker)) {
            throw new IllegalArgumentException("worker '" + name + "' is " + article(worker.getKind().name()) + " worker ("
                    + worker.getClass().getSimpleName() + "), not " + article(type.getSimpleName())
                    + ": look it up with getWorker(name) or as " + article(worker.getClass().getSimpleName()));
        }
        return type.cast(worker);
    }

    /** "an EVENT", "a QueueWorker": for messages. */
    private static String article(String word) {
        return ("AEIOUaeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    /**
     * The queue worker registered under this name, of unknown item type: for its state and sizes. To put
     * items, use {@link #getQueueWorker(String, Class)}, which checks the item type.
     *
     * @throws IllegalArgumentException if there is none, or it is not a queue worker
     */
    public QueueWorker<?> getQueueWorker(String name) {
        return getWorker(name, QueueWorker.class);
    }

    /**
     * The queue worker registered under this name, for putting items of {@code itemType}.
     *
     * @throws IllegalArgumentException if there is none, it is not a queue worker, or it is known to take
     *     items of a type that {@code itemType} is not (see {@link QueueWorker#getItemType()})
     */
    @SuppressWarnings("unchecked")
    public <T> QueueWorker<T> getQueueWorker(String name, Class<T> itemType) {
        Objects.requireNonNull(itemType, "itemType");
        QueueWorker<?> worker = getQueueWorker(name);
        Class<?> takes = worker.getItemType();
        if (takes != null && !takes.isAssignableFrom(itemType)) {
            throw new IllegalArgumentException("queue worker '" + name + "' takes " + takes.getName() + " items, not "
                    + itemType.getName() + ": ask for getQueueWorker(\"" + name + "\", " + takes.getSimpleName()
                    + ".class)");
        }
        return (QueueWorker<T>) worker;
    }

    /**
     * Triggers the event or interval worker registered under this name.
     *
     * @throws IllegalArgumentException if there is none, or its kind has no trigger
     * @throws IllegalStateException if it is not active
     */
    public void trigger(String name) {
        BackgroundWorker worker = getWorker(name);
        if (!(worker instanceof TriggerableWorker triggerable)) {
            throw new IllegalArgumentException("worker '" + name + "' is " + article(worker.getKind().name())
                    + " worker, which has no trigger: only event and interval workers do");
        }
        triggerable.trigger();
    }

    /** Every registered worker, by name. */
    public List<BackgroundWorker> getWorkers() {
        return schedulers.workers();
    }

    /**
     * Adds a listener that hears about every worker of this supervisor: registrations and the end of each
     * run (for metrics). Workers already registered are not announced again: read {@link #getWorkers()}
     * after adding it.
     */
    public void addWorkerListener(WorkerListener listener) {
        schedulers.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added with {@link #addWorkerListener}; a no-op for one that was not added. */
    public void removeWorkerListener(WorkerListener listener) {
        schedulers.removeListener(listener);
    }

    // ---------------------------------------------------------------- introspection

    /**
     * The pool's figures alone, without walking every worker as {@link #info()} does: for health checks and
     * metrics that read them often. {@code null} before start.
     */
    public PoolInfo poolInfo() {
        TaskPool p = pool;
        return p == null ? null : p.info();
    }

    /** An immutable snapshot of the supervisor, its pool and its aloops. */
    public SupervisorInfo info() {
        TaskPool p = pool;
        List<WorkerInfo> workers = getWorkers().stream().map(BackgroundWorker::info).toList();
        return new SupervisorInfo(id, state, pollDelay, p == null ? null : p.info(),
                getAloops().stream().map(Aloop::info).toList(), workers);
    }

    @Override
    public String toString() {
        return "TaskSupervisor[" + id + ", " + state + "]";
    }
}
