package dev.tasksupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.aloop.ALoop;
import dev.tasksupervisor.aloop.ALoopInfo;
import dev.tasksupervisor.aloop.ALoopState;
import dev.tasksupervisor.pool.PoolInfo;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.TaskPool;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.TriggerableWorker;
import dev.tasksupervisor.worker.WorkerInfo;
import dev.tasksupervisor.worker.WorkerListener;

/**
 * Runs an application's background work: a resizable thread pool with optional priorities, named
 * async loops ("aloops"), and the workers registered with it. The Java port of neotasker's task
 * supervisor.
 *
 * <pre>{@code
 * TaskSupervisor supervisor = new TaskSupervisor("my_supervisor");
 * supervisor.setPoolSettings(PoolSettings.builder().maxSize(20).build());
 * supervisor.start();
 * CompletableFuture<String> answer = supervisor.spawn(() -> fetch());
 * ALoop loop = supervisor.createAloop("io", true, true, true);
 * supervisor.stop();
 * }</pre>
 *
 * <p>Life cycle ({@link SupervisorState}): configure it while {@code NEW}, {@link #start()} it,
 * {@link #stop()} it once. Spawning before start is an {@link IllegalStateException}; after stop, a
 * {@link RejectedExecutionException}. The supervisor's own threads are daemon threads, so one that
 * nobody stopped does not keep the JVM alive; call {@link #stop()} (or {@link #block()}) before
 * {@code main} returns to let accepted work finish.
 *
 * <p>Thread safety: every public method may be called from any thread. State transitions, aloop
 * creation and configuration are serialised by {@code lifecycle}; {@code state} and {@code pool}
 * are volatile so that {@link #spawn} reads them without a lock. Subclasses may override public
 * methods; call {@code super} to keep the supervisor's guarantees.
 */
public class TaskSupervisor {

    private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

    /** The id whose thread names carry no id: {@code supervisor_aloop_<name>}. */
    public static final String DEFAULT_ID = "default";
    /** The aloop name reserved for the supervisor's own loop (health checks, worker timers). */
    public static final String RESERVED_ALOOP_NAME = "__supervisor__";
    /** The default poll delay. */
    public static final Duration DEFAULT_POLL_DELAY = Duration.ofMillis(10);

    private static final long FOREVER = Long.MAX_VALUE;

    private final String id;
    private final String threadNamePrefix;
    private final Object lifecycle = new Object();
    /** Written under {@code lifecycle}. */
    private volatile SupervisorState state = SupervisorState.NEW;
    private volatile PoolSettings poolSettings = PoolSettings.defaults();
    private volatile Duration pollDelay = DEFAULT_POLL_DELAY;
    /** Configuration that takes effect at start; guarded by {@code lifecycle}. */
    private ExecutorService replacementExecutor;
    private UnaryOperator<Runnable> taskDecorator;
    /** Set once at start, under {@code lifecycle}. */
    private volatile TaskPool pool;
    private volatile ALoop supervisorLoop;
    /** Aloops by name; changed under {@code lifecycle}, read anywhere. */
    private final Map<String, ALoop> aloops = new ConcurrentHashMap<>();
    /** Aloops asked to start while the supervisor was not yet active; guarded by {@code lifecycle}. */
    private final List<ALoop> startWithSupervisor = new ArrayList<>();
    private volatile ALoop defaultAloop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** What the stop could not finish; written once under {@code lifecycle} before {@code stopped} opens. */
    private volatile StopReport stopReport;
    /** The thread finishing a stop in the background, once there is one. */
    private volatile Thread stopper;
    /** Workers and other schedulers by name; changed under {@code lifecycle}, read anywhere. */
    private final Map<String, Scheduler> schedulers = new ConcurrentHashMap<>();
    /** The listeners added; guarded by {@code lifecycle}. */
    private final List<WorkerListener> workerListeners = new ArrayList<>();
    /**
     * The listeners combined, or null while there is none, so that a worker's run pays one volatile read
     * for the hook. Written under {@code lifecycle}.
     */
    private volatile WorkerListener workerListener;
    /**
     * The listeners whose failure has been logged at ERROR; later failures go to DEBUG. Kept here, not in
     * {@link WorkerListeners}, so that adding another listener does not log them all at ERROR again.
     */
    private final Set<WorkerListener> failedListeners = ConcurrentHashMap.newKeySet();

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
    }

    // ---------------------------------------------------------------- configuration

    /** The supervisor's id. */
    public String getId() {
        return id;
    }

    /**
     * Sets the pool's sizes, priority limits and health check. Before start they take effect at
     * start; while running they apply at once (neotasker's {@code set_thread_pool}): the pool grows or
     * shrinks without losing or blocking queued tasks.
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
        poolSettings = current.settings();
    }

    /** The pool settings in force (or to be used at start). */
    public PoolSettings getPoolSettings() {
        return poolSettings;
    }

    /**
     * Resizes the pool: {@code minSize} threads kept, at most {@code maxSize} running. Validated before
     * anything changes.
     *
     * @throws IllegalArgumentException if a size is negative or {@code minSize > maxSize}
     */
    public void resizePool(int minSize, int maxSize) {
        TaskPool current = pool;
        if (current == null) {
            setPoolSettings(poolSettings.toBuilder().minSize(minSize).maxSize(maxSize).build());
        } else {
            requireNotStopped("resize the pool");
            current.resize(minSize, maxSize);
            poolSettings = current.settings();
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
     * security, tracing) into pool threads. Only before start.
     */
    public void setTaskDecorator(UnaryOperator<Runnable> decorator) {
        synchronized (lifecycle) {
            requireNew("set a task decorator");
            taskDecorator = decorator;
        }
    }

    /**
     * The task decorator, or {@code null} if none was set. Workers apply it themselves where the thread
     * that dispatches a run is not the one whose context the run should have (a queue item's putter).
     */
    public UnaryOperator<Runnable> getTaskDecorator() {
        synchronized (lifecycle) {
            return taskDecorator;
        }
    }

    /**
     * The poll delay (default 10 ms): how long an event worker waits after a run before it runs again
     * for triggers that arrived meanwhile, and how long a batch queue worker lingers to fill a batch.
     * It never slows a plain queue worker.
     */
    public Duration getPollDelay() {
        return pollDelay;
    }

    /**
     * Sets the poll delay; any time, taking effect from each worker's next wait.
     *
     * @throws IllegalArgumentException if negative
     */
    public void setPollDelay(Duration pollDelay) {
        Objects.requireNonNull(pollDelay, "pollDelay");
        if (pollDelay.isNegative()) {
            throw new IllegalArgumentException("poll delay must not be negative, was " + pollDelay);
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
        synchronized (lifecycle) {
            if (!state.canMoveTo(SupervisorState.ACTIVE)) {
                throw new IllegalStateException("task supervisor '" + id + "' is " + state
                        + " and cannot start: a supervisor starts once; create a new one");
            }
            ALoop loop = new ALoop(RESERVED_ALOOP_NAME, threadNamePrefix + "aloop_" + RESERVED_ALOOP_NAME, true);
            loop.start();
            TaskPool newPool = new TaskPool("task supervisor '" + id + "'", threadNamePrefix + "pool_", poolSettings,
                    replacementExecutor, taskDecorator);
            newPool.startHealthCheck(loop);
            supervisorLoop = loop;
            pool = newPool;
            moveTo(SupervisorState.ACTIVE);
            for (ALoop aloop : startWithSupervisor) {
                aloop.start();
            }
            startWithSupervisor.clear();
        }
        PoolSettings s = poolSettings;
        log.info("Task supervisor '{}' started: pool {}..{} threads{}", id, s.minSize(), s.maxSize(),
                s.prioritiesEnabled() ? ", priorities on" : "");
    }

    /** Stops it as neotasker's default does: waits for tasks and loops, stops workers, cancels nothing. */
    public void stop() {
        stop(true, true, false);
    }

    /** Stops it, waiting (or not) for tasks and loops; stops workers, cancels nothing. */
    public void stop(boolean wait) {
        stop(wait, true, false);
    }

    /**
     * Stops it, waiting at most {@code wait}; stops workers, cancels what is left after the wait.
     *
     * @return what the stop could not finish in time
     */
    public StopReport stop(Duration wait) {
        return stop(wait, true, false);
    }

    /**
     * Stops the supervisor with neotasker's flags. New tasks are rejected from the first moment.
     * Tasks already accepted (those held back by priority limits too) still run.
     *
     * <p>Without {@code wait} the stop goes on in the background, on a daemon thread named
     * {@code supervisor_<id>_stopper}: workers are asked to stop at once, the supervisor is
     * {@code STOPPING} until every worker has stopped (queues drained) and every task and loop has
     * finished, then {@code STOPPED}; {@link #block()} returns then, and {@link #getStopReport()} has
     * the report. Called from one of the supervisor's own threads (a task, a worker's target, an aloop),
     * the stop cannot wait for the work it is part of, so it goes on in the background even with
     * {@code wait}.
     *
     * @param wait {@code true}: return when every task and loop has finished; {@code false}: return at
     *     once and let them finish in the background
     * @param stopSchedulers stop every registered worker first
     * @param cancelTasks cancel work pending on aloops instead of letting it finish
     */
    public void stop(boolean wait, boolean stopSchedulers, boolean cancelTasks) {
        boolean canWait = wait && !onOwnThread("stop(wait = true)");
        if (!beginStop()) {
            if (canWait) {
                awaitStopped(FOREVER); // "wait" holds for every caller, not only the first
            }
            return;
        }
        if (canWait) {
            finishStop(FOREVER, stopSchedulers, cancelTasks);
        } else {
            stopInBackground(FOREVER, stopSchedulers, cancelTasks);
        }
    }

    /**
     * Stops the supervisor, waiting at most {@code wait}: then workers still running are forced (their
     * run interrupted, a queue's remaining items handed back), pool tasks not yet started are cancelled,
     * running ones interrupted, and pending aloop work cancelled. Interrupted work gets
     * {@value #INTERRUPTED_GRACE_MILLIS} ms (or the poll delay, if longer) to end; the call returns then,
     * and the report names what still runs. Called from one of the supervisor's own threads, the stop
     * goes on in the background with the same deadline, and the report says it is under way.
     *
     * @param wait the longest this call waits for the work to finish
     * @param stopSchedulers stop every registered worker first
     * @param cancelTasks cancel work pending on aloops at once instead of letting it finish
     * @return what the stop could not finish in time; for a caller that was not the first to stop, the
     *     first stop's report if it ended within {@code wait}, else a report that it is still under way
     */
    public StopReport stop(Duration wait, boolean stopSchedulers, boolean cancelTasks) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("stop wait must not be negative, was " + wait);
        }
        long began = System.nanoTime();
        long timeoutNanos = nanos(wait);
        long deadline = timeoutNanos == FOREVER ? FOREVER : began + timeoutNanos;
        boolean canWait = !onOwnThread("stop(Duration)");
        if (beginStop()) {
            if (canWait) {
                return finishStop(deadline, stopSchedulers, cancelTasks);
            }
            stopInBackground(deadline, stopSchedulers, cancelTasks);
        } else if (canWait) {
            awaitStopped(deadline);
        }
        StopReport report = stopReport;
        if (report != null) {
            return report;
        }
        return state == SupervisorState.STOPPED
                ? NEVER_STARTED // stopped before it started: nothing to report
                : StopReport.underWay(Duration.ofNanos(System.nanoTime() - began));
    }

    /**
     * What the stop could not finish, once the supervisor is {@code STOPPED}; empty before that, and for
     * a supervisor stopped before it started.
     */
    public Optional<StopReport> getStopReport() {
        return Optional.ofNullable(stopReport);
    }

    /**
     * Whether the calling thread is one of the supervisor's own (a pool thread, an aloop, the stopper),
     * which a stop must not wait on: it would wait for itself. Logs why the stop does not wait.
     */
    private boolean onOwnThread(String call) {
        boolean ownThread = isOwnThread();
        if (ownThread) {
            log.info("Task supervisor '{}': {} called on its own thread {}, which the stop would wait for: the stop "
                    + "goes on in the background", id, call, Thread.currentThread().getName());
        }
        return ownThread;
    }

    /** Whether the calling thread is one of the supervisor's own: a pool thread, an aloop, the stopper. */
    private boolean isOwnThread() {
        TaskPool p = pool;
        ALoop own = supervisorLoop;
        return (p != null && p.isPoolThread()) || (own != null && own.inLoop()) || Thread.currentThread() == stopper
                || aloops.values().stream().anyMatch(ALoop::inLoop);
    }

    /** Runs the rest of a stop begun by this call on the stopper thread. */
    private void stopInBackground(long deadline, boolean stopSchedulers, boolean cancelTasks) {
        if (stopSchedulers) {
            // At once, so that put and trigger are refused from the first moment, as spawn is.
            for (Scheduler scheduler : new ArrayList<>(schedulers.values())) {
                try {
                    scheduler.stop(false);
                } catch (RuntimeException e) {
                    log.error("Task supervisor '{}': asking '{}' to stop failed", id, scheduler.getName(), e);
                }
            }
        }
        Thread t = new Thread(() -> {
            try {
                finishStop(deadline, stopSchedulers, cancelTasks);
            } catch (Throwable e) {
                log.error("Task supervisor '{}': stopping in the background failed", id, e);
            }
        }, threadNamePrefix + "stopper");
        t.setDaemon(true); // like the pool's threads: a stop in the background does not keep the JVM alive
        stopper = t;
        t.start();
    }

    /** Moves an active supervisor to STOPPING; returns whether this call is the one that stops it. */
    private boolean beginStop() {
        synchronized (lifecycle) {
            if (state == SupervisorState.NEW) {
                moveTo(SupervisorState.STOPPED);
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

    /**
     * The stop itself, by the caller that began it (or the stopper thread). Ends STOPPED whatever fails
     * on the way: a supervisor left STOPPING would hang every {@link #block()}.
     */
    private StopReport finishStop(long deadline, boolean stopSchedulers, boolean cancelTasks) {
        long began = System.nanoTime();
        log.info("Task supervisor '{}' stopping", id);
        StopTally tally = new StopTally();
        // Each phase runs even if an earlier one failed.
        RuntimeException failure = null;
        StopReport report = null;
        try {
            List<BackgroundWorker> forced = List.of();
            try {
                if (stopSchedulers) {
                    forced = stopSchedulers(deadline, tally);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            try {
                stopPool(pool, deadline, tally);
            } catch (RuntimeException e) {
                failure = addFailure(failure, e);
            }
            for (BackgroundWorker worker : forced) {
                if (worker.isRunning()) {
                    tally.stuckWorkers.add(worker.getName());
                }
            }
            for (ALoop loop : new ArrayList<>(aloops.values())) {
                try {
                    int cancelled = stopAloop(loop, deadline, cancelTasks);
                    if (cancelled > 0) {
                        tally.cancelledAloopWork.put(loop.getName(), cancelled);
                    }
                } catch (RuntimeException e) {
                    failure = addFailure(failure, e);
                }
            }
            try {
                // The supervisor's own loop holds only timers; nothing on it is worth waiting for.
                supervisorLoop.stop(true, true);
            } catch (RuntimeException e) {
                failure = addFailure(failure, e);
            }
            report = tally.report(Duration.ofNanos(System.nanoTime() - began));
        } finally {
            if (report == null) { // an Error on the way: still stopped, with what is known
                report = tally.report(Duration.ofNanos(System.nanoTime() - began));
            }
            synchronized (lifecycle) {
                stopReport = report;
                moveTo(SupervisorState.STOPPED);
            }
            stopped.countDown();
        }
        if (report.isComplete()) {
            log.info("Task supervisor '{}' {}", id, report);
        } else {
            log.warn("Task supervisor '{}' {}", id, report);
        }
        if (failure != null) {
            throw failure;
        }
        return report;
    }

    /** What a stop has had to give up so far; touched only by the thread doing the stop. */
    private static final class StopTally {
        final List<String> forcedWorkers = new ArrayList<>();
        final List<String> stuckWorkers = new ArrayList<>();
        final Map<String, List<?>> undeliveredItems = new LinkedHashMap<>();
        int cancelledTasks;
        int runningTasks;
        final Map<String, Integer> cancelledAloopWork = new LinkedHashMap<>();

        StopReport report(Duration took) {
            return new StopReport(true, took, forcedWorkers, stuckWorkers, undeliveredItems, cancelledTasks, runningTasks,
                    cancelledAloopWork);
        }
    }

    private static final StopReport NEVER_STARTED = new StopTally().report(Duration.ZERO);

    /** How long, at least, interrupted work gets to end before a stop reports it as still running. */
    private static final long INTERRUPTED_GRACE_MILLIS = 100;

    private static RuntimeException addFailure(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private void awaitStopped(long deadline) {
        try {
            if (deadline == FOREVER) {
                stopped.await();
            } else {
                stopped.await(remaining(deadline), TimeUnit.NANOSECONDS);
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
     * Stops every registered scheduler: asks all of them to stop, then waits for each until the
     * deadline, and forces those still running. Returns the forced workers, whose runs may still go on.
     */
    private List<BackgroundWorker> stopSchedulers(long deadline, StopTally tally) {
        List<Scheduler> all = new ArrayList<>(schedulers.values());
        for (Scheduler scheduler : all) {
            scheduler.stop(false);
        }
        List<BackgroundWorker> forced = new ArrayList<>();
        for (Scheduler scheduler : all) {
            boolean done;
            try {
                done = scheduler.awaitStop(Duration.ofNanos(remaining(deadline)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            }
            if (done) {
                continue;
            }
            scheduler.forceStop();
            tally.forcedWorkers.add(scheduler.getName());
            if (scheduler instanceof BackgroundWorker worker) {
                forced.add(worker);
                List<?> handedBack = worker.getUndelivered();
                if (!handedBack.isEmpty()) {
                    tally.undeliveredItems.put(worker.getName(), handedBack);
                }
            }
        }
        return forced;
    }

    /**
     * Shuts the pool down and waits for its tasks until the deadline; then cancels what has not started,
     * interrupts what runs, and gives that one poll delay to end.
     */
    private void stopPool(TaskPool p, long deadline, StopTally tally) {
        p.shutdown();
        try {
            if (p.awaitTermination(Duration.ofNanos(remaining(deadline)))) {
                return;
            }
            tally.cancelledTasks = p.shutdownNow();
            if (!p.awaitTermination(interruptedGrace())) {
                tally.runningTasks = p.info().active(); // -1 for a replacement executor that cannot tell
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.cancelledTasks = p.shutdownNow();
        }
    }

    /** How long interrupted work gets to end: {@value #INTERRUPTED_GRACE_MILLIS} ms, or the poll delay if longer. */
    private Duration interruptedGrace() {
        Duration floor = Duration.ofMillis(INTERRUPTED_GRACE_MILLIS);
        return pollDelay.compareTo(floor) > 0 ? pollDelay : floor;
    }

    private static int stopAloop(ALoop loop, long deadline, boolean cancelTasks) {
        if (cancelTasks) {
            return deadline == FOREVER ? loop.stop(true, true) : loop.stop(Duration.ofNanos(remaining(deadline)), true);
        }
        if (deadline == FOREVER) {
            loop.stop();
            return 0;
        }
        return loop.stop(Duration.ofNanos(remaining(deadline)));
    }

    private static long remaining(long deadline) {
        return deadline == FOREVER ? FOREVER : Math.max(0, deadline - System.nanoTime());
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return FOREVER;
        }
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
                    + "return; call it from the thread that owns the supervisor (main), or use block(Duration)");
        }
        stopped.await();
    }

    /**
     * Blocks while the supervisor is active, at most {@code timeout}.
     *
     * @return whether the supervisor stopped within the timeout
     */
    public boolean block(Duration timeout) throws InterruptedException {
        return stopped.await(nanos(timeout), TimeUnit.NANOSECONDS);
    }

    /** Whether the supervisor is started and not stopping. */
    public boolean isActive() {
        return state == SupervisorState.ACTIVE;
    }

    /** The supervisor's life-cycle state. */
    public SupervisorState getState() {
        return state;
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

    // ---------------------------------------------------------------- tasks

    /**
     * Runs {@code task} on the pool with {@link Priority#NORMAL}.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once stopping
     */
    public CompletableFuture<Void> spawn(Runnable task) {
        return activePool().submit(Priority.NORMAL, task);
    }

    /**
     * Runs {@code task} on the pool with {@link Priority#NORMAL}; the future completes with its result.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once stopping
     */
    public <T> CompletableFuture<T> spawn(Callable<T> task) {
        return activePool().submit(Priority.NORMAL, task);
    }

    /**
     * Runs {@code task} on the pool with the given priority (ignored while priorities are off).
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once stopping
     */
    public CompletableFuture<Void> spawn(Priority priority, Runnable task) {
        return activePool().submit(priority, task);
    }

    /**
     * Runs {@code task} on the pool with the given priority (ignored while priorities are off); the
     * future completes with its result.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once stopping
     */
    public <T> CompletableFuture<T> spawn(Priority priority, Callable<T> task) {
        return activePool().submit(priority, task);
    }

    /**
     * Runs a scheduler's own work on the pool (a worker's run, a queue drain). Unlike {@link #spawn}, this
     * is accepted while the supervisor stops its schedulers, so they can finish their work; it is
     * refused once the pool itself shuts down.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once the pool is shutting down
     */
    public CompletableFuture<Void> executeForScheduler(Runnable task) {
        return executeForScheduler(task, true);
    }

    /**
     * As {@link #executeForScheduler(Runnable)}; with {@code decorate} false, without the task decorator,
     * for a scheduler that has wrapped the work in its caller's context itself (a worker's queued item),
     * so that it is not decorated twice.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws RejectedExecutionException once the pool is shutting down
     */
    public CompletableFuture<Void> executeForScheduler(Runnable task, boolean decorate) {
        TaskPool p = pool;
        if (p == null) {
            throw new IllegalStateException("task supervisor '" + id + "' is not started: call start() first");
        }
        return p.submit(Priority.NORMAL, task, decorate);
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
    public ALoop createAloop(String name) {
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
    public ALoop createAloop(String name, boolean isDefault, boolean daemon, boolean start) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("aloop name must not be empty: give the aloop a name");
        }
        if (RESERVED_ALOOP_NAME.equals(name)) {
            throw new IllegalArgumentException("aloop name '" + RESERVED_ALOOP_NAME + "' is reserved for the "
                    + "supervisor's own loop: choose another name");
        }
        synchronized (lifecycle) {
            requireNotStopped("create aloop '" + name + "'");
            ALoop existing = aloops.get(name);
            if (existing != null && existing.getState() != ALoopState.STOPPED) {
                throw new IllegalArgumentException("aloop '" + name + "' already exists in task supervisor '" + id
                        + "': choose another name or stop the existing one first");
            }
            ALoop loop = new ALoop(name, threadNamePrefix + "aloop_" + name, daemon);
            aloops.put(name, loop);
            if (isDefault) {
                defaultAloop = loop;
            }
            if (start) {
                startLoop(loop);
            }
            return loop;
        }
    }

    private void startLoop(ALoop loop) {
        if (state == SupervisorState.ACTIVE) {
            loop.start();
        } else if (!startWithSupervisor.contains(loop)) {
            startWithSupervisor.add(loop);
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
            startLoop(getAloop(name));
        }
    }

    /** Stops an aloop after its pending work is done. The supervisor stops every aloop when it stops. */
    public void stopAloop(String name) {
        getAloop(name).stop();
    }

    /** The aloop with this name, if there is one. */
    public Optional<ALoop> findAloop(String name) {
        return Optional.ofNullable(name == null ? null : aloops.get(name));
    }

    /**
     * The aloop with this name.
     *
     * @throws IllegalArgumentException if there is none
     */
    public ALoop getAloop(String name) {
        return findAloop(name).orElseThrow(() -> new IllegalArgumentException("task supervisor '" + id
                + "' has no aloop named '" + name + "': create it first (createAloop, or supervisor.aloops."
                + name + " in Spring configuration)"));
    }

    /** Every aloop of this supervisor, by name (the supervisor's own loop excluded). */
    public List<ALoop> getAloops() {
        List<ALoop> all = new ArrayList<>(aloops.values());
        all.sort(Comparator.comparing(ALoop::getName));
        return all;
    }

    /** The default aloop, if one is set. */
    public Optional<ALoop> getDefaultAloop() {
        return Optional.ofNullable(defaultAloop);
    }

    /**
     * Makes the named aloop the default one.
     *
     * @throws IllegalArgumentException if there is no aloop of that name
     */
    public void setDefaultAloop(String name) {
        defaultAloop = getAloop(name);
    }

    // ---------------------------------------------------------------- workers and schedulers

    /**
     * Registers a scheduler under its name, so the supervisor stops it when it stops (neotasker's
     * {@code register_scheduler}). Workers register themselves when they start and stay registered,
     * stopped or not, until unregistered. Registering the same object again (under a new name) is fine.
     *
     * @throws IllegalArgumentException if another scheduler has that name
     * @throws IllegalStateException once the supervisor is stopping
     */
    public void registerScheduler(Scheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        String name = scheduler.getName();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a scheduler needs a name to be registered");
        }
        synchronized (lifecycle) {
            requireNotStopped("register '" + name + "'");
            Scheduler existing = schedulers.get(name);
            if (existing != null && existing != scheduler) {
                throw new IllegalArgumentException("task supervisor '" + id + "' already has a worker named '" + name
                        + "': give this one another name, or unregister the other first");
            }
            if (existing == scheduler) {
                return; // already registered under this name: nothing changes
            }
            schedulers.values().removeIf(s -> s == scheduler);
            schedulers.put(name, scheduler);
        }
        // Outside the lock: listeners are foreign code.
        WorkerListener listener = workerListener;
        if (listener != null && scheduler instanceof BackgroundWorker worker) {
            listener.registered(worker);
        }
    }

    /**
     * Registers a synchronous scheduler (neotasker's {@code register_sync_scheduler}). In Java every
     * scheduler is stopped the same way, so this is {@link #registerScheduler}.
     */
    public void registerSyncScheduler(Scheduler scheduler) {
        registerScheduler(scheduler);
    }

    /** Forgets a scheduler: the supervisor will not stop it. Does not stop it. */
    public void unregisterScheduler(Scheduler scheduler) {
        boolean removed;
        synchronized (lifecycle) {
            removed = schedulers.values().removeIf(s -> s == scheduler);
        }
        WorkerListener listener = workerListener;
        if (removed && listener != null && scheduler instanceof BackgroundWorker worker) {
            listener.unregistered(worker);
        }
    }

    /** Forgets a synchronous scheduler; the same as {@link #unregisterScheduler}. */
    public void unregisterSyncScheduler(Scheduler scheduler) {
        unregisterScheduler(scheduler);
    }

    /** The worker registered under this name, if any. */
    public Optional<BackgroundWorker> findWorker(String name) {
        Scheduler s = name == null ? null : schedulers.get(name);
        return s instanceof BackgroundWorker worker ? Optional.of(worker) : Optional.empty();
    }

    /**
     * The worker registered under this name.
     *
     * @throws IllegalArgumentException if there is none
     */
    public BackgroundWorker getWorker(String name) {
        return findWorker(name).orElseThrow(() -> new IllegalArgumentException("task supervisor '" + id
                + "' has no worker named '" + name + "'; known: " + new TreeSet<>(schedulers.keySet())));
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
     * The queue worker registered under this name, for {@code put}.
     *
     * @throws IllegalArgumentException if there is none, or it is not a queue worker
     */
    @SuppressWarnings("unchecked")
    public <T> QueueWorker<T> getQueueWorker(String name) {
        return getWorker(name, QueueWorker.class);
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
        return schedulers.values().stream()
                .filter(BackgroundWorker.class::isInstance)
                .map(BackgroundWorker.class::cast)
                .sorted(Comparator.comparing(BackgroundWorker::getName))
                .toList();
    }

    /**
     * Adds a listener that hears about every worker of this supervisor: registrations and the end of each
     * run (for metrics). Workers already registered are not announced again: read {@link #getWorkers()}
     * after adding it.
     */
    public void addWorkerListener(WorkerListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lifecycle) {
            workerListeners.add(listener);
            workerListener = new WorkerListeners(id, workerListeners, failedListeners);
        }
    }

    /** Removes a listener added with {@link #addWorkerListener}; a no-op for one that was not added. */
    public void removeWorkerListener(WorkerListener listener) {
        synchronized (lifecycle) {
            if (workerListeners.remove(listener)) {
                failedListeners.remove(listener);
                workerListener = workerListeners.isEmpty() ? null
                        : new WorkerListeners(id, workerListeners, failedListeners);
            }
        }
    }

    /**
     * What workers tell about their runs: every listener added, combined into one that logs and otherwise
     * ignores a listener's exception; {@code null} while none is added.
     */
    public WorkerListener getWorkerListener() {
        return workerListener;
    }

    /**
     * The supervisor's own loop ({@value #RESERVED_ALOOP_NAME}): where worker timers, the health check and
     * poll-delay waits run. Tasks on it must be short and never block.
     *
     * @throws IllegalStateException before start
     */
    public ALoop getSchedulerLoop() {
        ALoop loop = supervisorLoop;
        if (loop == null) {
            throw new IllegalStateException("task supervisor '" + id + "' is not started: call start() first");
        }
        return loop;
    }

    // ---------------------------------------------------------------- introspection

    /**
     * The pool's figures alone, without walking every worker as {@link #info()} does: for health checks
     * and metrics that read them often. {@code null} before start.
     */
    public PoolInfo poolInfo() {
        TaskPool p = pool;
        return p == null ? null : p.info();
    }

    /** An immutable snapshot of the supervisor, its pool and its aloops. */
    public SupervisorInfo info() {
        TaskPool p = pool;
        ALoop defaultLoop = defaultAloop;
        List<ALoopInfo> loops = getAloops().stream().map(a -> a.info(a == defaultLoop)).toList();
        SupervisorState current = state;
        List<WorkerInfo> workers = getWorkers().stream().map(BackgroundWorker::info).toList();
        return new SupervisorInfo(id, current, current == SupervisorState.ACTIVE, pollDelay,
                p == null ? null : p.info(), loops, workers);
    }

    /** The prefix of every thread this supervisor names: {@code supervisor_} or {@code supervisor_<id>_}. */
    protected String getThreadNamePrefix() {
        return threadNamePrefix;
    }

    @Override
    public String toString() {
        return "TaskSupervisor[" + id + ", " + state + "]";
    }

    /** Several listeners as one; each call is guarded, so a failing listener stops neither the others nor a worker. */
    private static final class WorkerListeners implements WorkerListener {

        private final String supervisorId;
        private final WorkerListener[] listeners;
        private final Set<WorkerListener> failed;

        WorkerListeners(String supervisorId, List<WorkerListener> listeners, Set<WorkerListener> failed) {
            this.supervisorId = supervisorId;
            this.listeners = listeners.toArray(new WorkerListener[0]);
            this.failed = failed;
        }

        @Override
        public void registered(BackgroundWorker worker) {
            each(worker, listener -> listener.registered(worker));
        }

        @Override
        public void unregistered(BackgroundWorker worker) {
            each(worker, listener -> listener.unregistered(worker));
        }

        private void each(BackgroundWorker worker, Consumer<WorkerListener> call) {
            for (WorkerListener listener : listeners) {
                try {
                    call.accept(listener);
                } catch (RuntimeException e) {
                    failed(listener, worker, e);
                }
            }
        }

        @Override
        public void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
            // A loop of its own rather than each(...): this is on every run's path, so no lambda.
            for (WorkerListener listener : listeners) {
                try {
                    listener.runEnded(worker, durationNanos, failure);
                } catch (RuntimeException e) {
                    failed(listener, worker, e);
                }
            }
        }

        @Override
        public void runSkipped(BackgroundWorker worker, long durationNanos) {
            for (WorkerListener listener : listeners) {
                try {
                    listener.runSkipped(worker, durationNanos);
                } catch (RuntimeException e) {
                    failed(listener, worker, e);
                }
            }
        }

        /** The first failure of a listener at ERROR with its stack trace; the rest, once per run, at DEBUG. */
        private void failed(WorkerListener listener, BackgroundWorker worker, RuntimeException e) {
            if (failed.add(listener)) {
                log.error("Task supervisor '{}': worker listener {} failed on worker '{}' (its further failures are "
                        + "logged at DEBUG)", supervisorId, listener, worker.getName(), e);
            } else {
                log.debug("Task supervisor '{}': worker listener {} failed on worker '{}'", supervisorId, listener,
                        worker.getName(), e);
            }
        }
    }
}
