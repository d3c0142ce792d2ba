package dev.tasksupervisor.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.lifecycle.Deadline;

/**
 * Running one worker's target: once, on the right thread (a pool thread for a sync target, the worker's
 * aloop for an async one), with the counts, timing, errors and listeners, and with the bookkeeping a stop
 * relies on.
 *
 * <h2>Runs in progress</h2>
 * {@code inProgress} counts what a stop must wait for or force: a sync series (a queue drain runs the
 * items queued behind one another as one series, so the count and the runner are set once per series,
 * not per item), a run guard being asked, and an async stage not yet complete. {@code runner} is the
 * thread of the sync series, which a forced stop interrupts and a stop recognises as the worker's own run
 * (it cannot wait for itself). An async run has a <em>view</em>, {@code asyncRun}: a forced stop completes
 * the view, so the kind goes on (its "running" flag is released, listeners hear of a
 * {@code CancellationException}), while the target's own stage, not cancelled, keeps the run in progress
 * until it completes: a start cannot overlap it.
 *
 * <h2>A run begins only inside its start</h2>
 * Every run names the start that dispatched it, and the worker may have been stopped by force (and started
 * again) while the run waited for a thread. So a run first counts itself in progress, then checks that its
 * start has not ended ({@link BackgroundWorker#startEnded}); only then does it publish its thread as the
 * runner, and it checks once more. A start refuses to begin while anything is in progress, so a run that
 * passed the first check can no longer be overtaken by a new start; and a forced stop sets its flag before
 * it reads the runner, so a run either sees the flag at its second check or is interrupted. A run whose
 * start ended never reaches the target: its outcome is {@link Outcome#NOT_RUN}, and a queue hands its input
 * back. It touches nothing that belongs to the running series (the runner, the series clock).
 *
 * <h2>Failures</h2>
 * A run that fails goes to the error handler and counts as a failure, unless a forced stop had begun:
 * then it failed because the stop interrupted it, and the listeners hear how it ended (a queue hands its
 * item back instead).
 *
 * <p>Every run that counts is told to the supervisor's {@link RunObserver}, if it has one ({@link ObservedRun}):
 * a sync run around its target and error handler, on the run's thread, inside the task decorator's context;
 * an async run from the aloop that starts its target to the completion of its view.
 *
 * <p>Thread safety: {@code inProgress}, {@code runner} and {@code asyncRun} are read anywhere;
 * {@code seriesClock} and {@code lastRunFailed} belong to the series' own thread. A forced stop waiting
 * for the runs to end waits on the worker's life-cycle monitor, which the end of the last run notifies.
 *
 * <p>Why one long class: the sync, async and forced paths all keep the same two invariants (the in-progress
 * count and the runner, and a run only inside its start); apart, each would reimplement them.
 */
final class WorkerRuns extends RunStatistics {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWorker.class);
    private static final VarHandle IN_PROGRESS;

    static {
        try {
            IN_PROGRESS = MethodHandles.lookup().findVarHandle(WorkerRuns.class, "inProgress", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What a sync run came to. */
    enum Outcome {
        /** The target ran, and the worker goes on. */
        GO_ON,
        /** The target ran and failed (threw, or its stage failed); the worker goes on, after its backoff. */
        FAILED,
        /** The target ran and returned {@code false}: the worker stops. */
        STOP,
        /** The run's start had ended before the target could run: nothing ran. */
        NOT_RUN,
        /** An async run that a forced stop gave up: its stage goes on, the worker does not. */
        GIVEN_UP;

        boolean goOn() {
            return this == GO_ON || this == FAILED;
        }
    }

    /** What an async run's work completes with when its target did not run; never a target's result. */
    private static final Object NOT_RUN = new Object();

    /** How a forced stop completes an async run's view: a cancellation, told apart from the target's own. */
    private static final class GivenUp extends CancellationException {
        private static final long serialVersionUID = 1L;

        GivenUp() {
            super("given up by a forced stop");
        }
    }

    private final BackgroundWorker worker;

    private volatile int inProgress;
    private volatile Thread runner;
    private volatile CompletableFuture<?> asyncRun;
    /** When the current series' last run ended. */
    private long seriesClock;
    /** Whether the last run of the current series failed. */
    private boolean lastRunFailed;
    /**
     * Why the worker's last run failed, for a queue drain to retry its item: written by the run's own thread
     * as it fails, read by the drain that owns the run, after it (on that thread, or after the async run's
     * completion). Other kinds never read it.
     */
    private Throwable lastFailure;

    WorkerRuns(BackgroundWorker worker) {
        this.worker = worker;
    }

    /** The counts and last run of this worker's runs. */
    RunStatistics statistics() {
        return this;
    }

    boolean isRunning() {
        return inProgress > 0;
    }

    /** Whether the calling thread runs the worker's sync target now. */
    boolean isRunner(Thread thread) {
        return thread == runner;
    }

    // ------------------------------------------------------------------ dispatching

    /** As {@link #dispatch(Object, ContextRun, Runnable, long)}, to run at once. */
    void dispatch(Object input, ContextRun captured, Runnable ended, int startedIn) {
        dispatch(input, captured, ended, startedIn, 0);
    }

    /**
     * Runs the target once for the start {@code startedIn} (the one the kind decided the run in, under its
     * lock) on the pool (sync) or the worker's aloop (async), in the context {@code captured} holds if not
     * null, then calls {@code ended} on the thread that finished it, whatever happened. A sync run starts no sooner
     * than {@code notBefore} ({@link System#nanoTime()}; 0 for at once): a timer may hand it to the pool ahead
     * of its tick, so that the hand-off does not make it late. A run whose start has ended by the time a pool
     * thread takes it (a forced stop, and maybe a new start) does not reach the target. If the pool refuses
     * the run because the supervisor shuts it down, the worker stops and {@code ended} is called at once; if
     * it refuses it for another reason (no thread could be made), that is a failed run, and the worker goes on.
     */
    void dispatch(Object input, ContextRun captured, Runnable ended, int startedIn, long notBefore) {
        SchedulerHandle handle = worker.handle();
        RunGuard guard = worker.getRunGuard();
        boolean async = worker.isAsync();
        try {
            if (guard != null) {
                // The guard may block (a lock in a database): ask it on a pool thread, never on this one, which
                // may be an aloop or the timer loop. Decorated as the run itself would have been.
                GuardedRun run = new GuardedRun(worker, guard, startedIn, input, captured, ended, notBefore);
                handle.execute(run::run, !async && captured == null);
            } else if (async) {
                runAsync(input, startedIn, null).thenRun(ended);
            } else if (captured != null) {
                handle.execute(() -> {
                    try {
                        captured.runInContext(input, startedIn, notBefore);
                    } finally {
                        ended.run(); // whatever escaped: a kind left "running" would never run again
                    }
                }, false);
            } else {
                handle.execute(() -> {
                    try {
                        runSync(input, startedIn, notBefore);
                    } finally {
                        ended.run();
                    }
                }, true);
            }
        } catch (RejectedExecutionException e) {
            worker.requestStop();
            ended.run();
        } catch (RuntimeException | Error e) {
            refused(input, e);
            ended.run();
        }
    }

    /** The pool refused a run for another reason than a stop: a failed run, so the error handler hears of it. */
    void refused(Object input, Throwable error) {
        failedBeforeTarget(System.nanoTime(), input, new IllegalStateException("worker '" + worker.getName() + "' did not run"
                + (input == null ? "" : " for " + describe(input)) + ": the pool refused the run (" + error
                + "); the worker goes on", error));
    }

    // ------------------------------------------------------------------ sync runs

    /**
     * Runs a sync target once for the start {@code startedIn}, no sooner than {@code notBefore}, here and
     * now, with the bookkeeping. Inside a series this thread already runs (a run guard's), it joins it.
     */
    Outcome runSync(Object input, int startedIn, long notBefore) {
        boolean joined = runner == Thread.currentThread();
        if (!joined && !beginSeries(startedIn)) {
            return Outcome.NOT_RUN;
        }
        Object result;
        try {
            if ((joined && worker.startEnded(startedIn)) || !awaitTime(notBefore)) {
                return Outcome.NOT_RUN; // stopped by force (and maybe started again) before it began
            }
            seriesClock = System.nanoTime();
            result = invokeCounted(input);
        } finally {
            if (!joined) {
                endSeries();
            }
        }
        if (lastRunFailed) {
            return Outcome.FAILED;
        }
        return goOn(result) ? Outcome.GO_ON : Outcome.STOP;
    }

    /**
     * Waits, parked, until {@code notBefore} (0: not at all). Returns false if a forced stop interrupted the
     * wait; the interrupt was for this run, which now does not happen.
     */
    boolean awaitTime(long notBefore) {
        if (notBefore == 0) {
            return true;
        }
        for (long left; (left = notBefore - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Marks this thread as running the target for a series of inputs of the start {@code startedIn} (a
     * queue drain, a run guard's ask and run); false, with nothing begun, if that start has ended (see the
     * class comment). Between a successful {@code beginSeries} and {@link #endSeries()} call only
     * {@link #runInSeries}; anything that may settle a stop must come after the series ended, or a restart
     * would find a run in progress.
     */
    boolean beginSeries(int startedIn) {
        IN_PROGRESS.getAndAdd(this, 1);
        if (!worker.startEnded(startedIn)) {
            runner = Thread.currentThread();
            if (!worker.startEnded(startedIn)) {
                seriesClock = System.nanoTime();
                return true;
            }
            runner = null; // a forced stop came in between; it may have seen this thread, and interrupted it
            clearStopInterrupt();
        }
        runOver();
        return false;
    }

    /** Ends what {@link #beginSeries} began. */
    void endSeries() {
        runner = null;
        clearStopInterrupt();
        runOver();
    }

    /**
     * Once this thread is no longer the runner: a forced stop may be interrupting it right now (under the
     * life-cycle lock, see {@link BackgroundWorker#forceStop()}); waits that out and clears the interrupt,
     * which was meant for the run and must not reach whatever this pool thread does next.
     */
    private void clearStopInterrupt() {
        if (worker.isForcing()) {
            synchronized (worker.monitor()) {
                Thread.interrupted();
            }
        }
    }

    /** Runs a sync target once inside a series; returns whether the worker goes on. */
    boolean runInSeries(Object input) {
        return goOn(invokeCounted(input));
    }

    /** Whether the last run of this thread's series failed. */
    boolean lastRunFailed() {
        return lastRunFailed;
    }

    /** Why the last run failed; see the field. Only meaningful right after a run whose outcome was a failure. */
    Throwable lastFailure() {
        return lastFailure;
    }

    /**
     * Invokes the target, counting and timing the run; a failure goes to the error handler. A run starts
     * when the one before it in the series ended: one clock read per run.
     */
    private Object invokeCounted(Object input) {
        long started = seriesClock;
        recordStart(started);
        RunTimeout timeout = worker.runTimeoutWatch();
        if (timeout != null) {
            timeout.began(started);
        }
        Object result = null;
        Throwable failure = null;
        RunObserver.Run observed = ObservedRun.start(worker); // null without an observer: one field read
        try {
            result = worker.invoke(input, worker.context());
        } catch (Throwable error) {
            failure = error;
        }
        if (timeout != null && timeout.ended()) {
            failure = timeout.exceeded(failure); // a failure even if the target returned after its interruption
        }
        lastRunFailed = failure != null;
        try {
            if (failure == null) {
                return result;
            }
            failed(input, failure);
            return null;
        } finally {
            if (observed != null) {
                ObservedRun.end(worker, observed, failure); // after the error handler: what it logs is the run's
            }
            long endedAt = System.nanoTime();
            if (failure == null) {
                countSuccess(endedAt);
            }
            // The next run in the series starts now, or after the listeners if any: their time is theirs.
            seriesClock = tellEnded(recordEnd(started, endedAt), failure) ? System.nanoTime() : endedAt;
        }
    }

    // ------------------------------------------------------------------ async runs

    /**
     * Starts an async target once on the worker's aloop for the start {@code startedIn}. The returned stage
     * never fails: it completes with the outcome after the bookkeeping ({@link Outcome#FAILED} for a failed
     * run); early, with {@link Outcome#GIVEN_UP}, when a forced stop gives the run up. The target waits
     * for the aloop, and checks its start again when it gets it: if a forced stop came meanwhile, it does
     * not run, and the outcome is {@link Outcome#NOT_RUN}, or, when the stop had given the run up already,
     * {@code notRun} (if not null) hears of it instead: exactly one of the two.
     */
    CompletableFuture<Outcome> runAsync(Object input, int startedIn, Runnable notRun) {
        Aloop loop = worker.aloop().orElseThrow();
        IN_PROGRESS.getAndAdd(this, 1);
        if (worker.startEnded(startedIn)) {
            runOver(); // stopped by force before it began: nothing runs (see the class comment)
            return CompletableFuture.completedFuture(Outcome.NOT_RUN);
        }
        long started = System.nanoTime();
        recordStart(started);
        CompletableFuture<Object> view = new CompletableFuture<>();
        Duration limit = worker.getRunTimeout();
        ObservedRun.Async observed = ObservedRun.async(worker); // null without an observer
        CompletableFuture<Object> work;
        try {
            work = loop.spawn(() -> {
                if (worker.startEnded(startedIn)) {
                    return CompletableFuture.completedFuture(NOT_RUN); // a forced stop came while this waited
                }
                Object result;
                if (observed == null) {
                    result = worker.invoke(input, worker.context());
                } else {
                    observed.start();
                    try {
                        result = worker.invoke(input, worker.context());
                    } finally {
                        observed.leave(); // the stage goes on without this aloop
                    }
                }
                if (!(result instanceof CompletionStage<?> stage)) {
                    throw new IllegalStateException("the async target of worker '" + worker.getName() + "' returned "
                            + (result == null ? "null" : result.getClass().getName()) + " instead of a CompletionStage");
                }
                @SuppressWarnings("unchecked")
                CompletionStage<Object> typed = (CompletionStage<Object>) stage;
                if (limit != null) {
                    timeOut(view, typed, limit);
                }
                return typed;
            });
        } catch (RejectedExecutionException | IllegalStateException e) {
            runOver();
            failed(input, e);
            ObservedRun.failedAtOnce(worker, e);
            tellEnded(recordEnd(started, System.nanoTime()), e);
            worker.requestStop(); // the aloop refused: nothing can run this worker's target any more
            return CompletableFuture.completedFuture(Outcome.STOP);
        }
        asyncRun = view;
        if (worker.isForcing()) {
            view.completeExceptionally(new GivenUp()); // a forced stop read asyncRun before it was set
        }
        work.whenComplete((result, error) -> {
            runOver(); // before the view: whoever the view wakes must find the run over
            if (error != null) {
                view.completeExceptionally(error);
            } else if (!view.complete(result) && result == NOT_RUN && notRun != null) {
                notRun.run(); // the view was given up already, as if the target ran: it did not
            }
        });
        return view.handle((result, error) -> {
            asyncRun = null;
            if (result == NOT_RUN) {
                return Outcome.NOT_RUN; // nothing ran: nothing to count or tell
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            // Given up by a forced stop: not a failure of the target (listeners still hear how it ended). A
            // stage the target cancelled itself is its own failure, even while a graceful stop drains.
            boolean givenUp = cause instanceof GivenUp;
            if (cause != null && !givenUp) {
                failed(input, cause);
            }
            if (observed != null) {
                observed.end(cause);
            }
            long ended = System.nanoTime();
            tellEnded(recordEnd(started, ended), cause);
            if (givenUp) {
                return Outcome.GIVEN_UP;
            }
            if (cause != null) {
                return Outcome.FAILED;
            }
            countSuccess(ended);
            return goOn(result) ? Outcome.GO_ON : Outcome.STOP;
        });
    }

    /**
     * Ends an async run whose stage is not complete {@code limit} after the target returned it: the view
     * fails with a {@link RunTimeoutException} and the target's stage is cancelled, which (for a
     * {@code CompletableFuture}) completes it, so the run is over and the next may begin.
     */
    private void timeOut(CompletableFuture<Object> view, CompletionStage<Object> stage, Duration limit) {
        ScheduledFuture<?> timer;
        try {
            timer = worker.timerLoop().schedule(() -> {
                if (view.completeExceptionally(new RunTimeoutException(worker.getName(), limit, null))) {
                    try {
                        stage.toCompletableFuture().cancel(true);
                    } catch (UnsupportedOperationException e) {
                        // a stage that cannot be a future: it goes on, and the run with it (see class comment)
                    }
                }
            }, limit);
        } catch (RejectedExecutionException e) {
            return; // the loop is stopping: the stop's deadline takes over
        }
        view.whenComplete((result, error) -> timer.cancel(false));
    }

    // ------------------------------------------------------------------ a forced stop

    /**
     * A forced stop interrupts the sync run; returns the thread interrupted, or {@code null}. Called under
     * the life-cycle lock, which a runner that ends its series waits for before it clears the interrupt.
     */
    Thread interrupt() {
        Thread thread = runner;
        if (thread != null) {
            thread.interrupt();
        }
        return thread;
    }

    /** The view of the async run in progress, or {@code null}. */
    CompletableFuture<?> asyncRun() {
        return asyncRun;
    }

    /** A forced stop gives up the async run whose view this is (read by {@link #asyncRun()}); null: none. */
    void giveUp(CompletableFuture<?> view) {
        if (view != null) {
            view.completeExceptionally(new GivenUp()); // a CancellationException, as a cancelled future's
        }
    }

    /** Waits, on the life-cycle monitor, until no run is in progress or {@code deadline} passes. */
    boolean awaitEnded(Deadline deadline) {
        synchronized (worker.monitor()) {
            try {
                while (inProgress > 0 && !deadline.hasPassed()) {
                    deadline.waitOn(worker.monitor());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inProgress == 0;
        }
    }

    /** One run in progress fewer; a forced stop waiting for the last one hears of it. */
    private void runOver() {
        if ((int) IN_PROGRESS.getAndAdd(this, -1) == 1 && worker.isForcing()) {
            synchronized (worker.monitor()) {
                worker.monitor().notifyAll();
            }
        }
    }

    // ------------------------------------------------------------------ outcomes

    /** Tells the supervisor's worker listeners that a run ended; returns whether there were any. */
    private boolean tellEnded(long took, Throwable failure) {
        // One volatile read while nobody listens: the run path pays nothing more for the hook.
        WorkerListener listener = worker.handle().listener();
        if (listener == null) {
            return false;
        }
        try {
            listener.runEnded(worker, took, failure);
        } catch (RuntimeException | Error e) {
            // Not the run's failure; and escaping it would skip the run's end, leaving the worker running for ever.
            log.error("A worker listener failed on a run of worker '{}'", worker.getName(), e);
        }
        return true;
    }

    /**
     * Counts a run that never reached the target as a failed run: the error handler and the listeners hear
     * of it, so nothing is dropped unnoticed.
     */
    void failedBeforeTarget(long startedNanos, Throwable error) {
        failedBeforeTarget(startedNanos, null, error);
    }

    /** As {@link #failedBeforeTarget(long, Throwable)}, for a run of {@code input}. */
    private void failedBeforeTarget(long startedNanos, Object input, Throwable error) {
        recordStart(startedNanos);
        failed(input, error);
        ObservedRun.failedAtOnce(worker, error);
        tellEnded(recordEnd(startedNanos, System.nanoTime()), error);
    }

    /**
     * Counts a run whose target never started because the task decorator around it threw ({@code cause}) or
     * returned without calling it ({@code cause} null).
     */
    void failedInDecorator(Object input, Throwable cause) {
        failedBeforeTarget(System.nanoTime(), input, new IllegalStateException("worker '" + worker.getName()
                + "' did not run its target" + (input == null ? "" : " for " + describe(input)) + ": the task "
                + "decorator around the run " + (cause == null ? "returned without calling it" : "failed")
                + "; fix the TaskDecorator", cause));
    }

    /** The guard refused a run asked for at {@code asked}: a skip, told to the listeners. */
    void skipped(long asked, RunGuard guard) {
        long took = System.nanoTime() - asked;
        ObservedRun.skipped(worker); // before it counts: whoever sees the skip counted finds it observed
        countSkip();
        if (log.isDebugEnabled()) { // describe() is the guard's code: not worth calling for a line nobody sees
            log.debug("Worker '{}': run skipped, refused by its run guard ({})", worker.getName(),
                    GuardedRun.describe(guard));
        }
        WorkerListener listener = worker.handle().listener();
        if (listener != null) {
            try {
                listener.runSkipped(worker, took);
            } catch (RuntimeException | Error e) {
                log.error("A worker listener failed on a skipped run of worker '{}'", worker.getName(), e);
            }
        }
    }

    /** An input for a message: a batch by its size, an item by its text, cut to {@value #DESCRIBED_CHARS} characters. */
    static String describe(Object input) {
        if (input instanceof List<?> batch) {
            return "a batch of " + batch.size() + " item(s)";
        }
        String text = String.valueOf(input);
        return "item " + (text.length() <= DESCRIBED_CHARS ? text : text.substring(0, DESCRIBED_CHARS) + "...");
    }

    /** How much of an item's text a message shows: enough to find it, not a megabyte of it in every line. */
    private static final int DESCRIBED_CHARS = 200;

    /**
     * A run of {@code input} (null for a worker without one) failed: counted and handed to the error handler,
     * unless a forced stop interrupted it.
     */
    private void failed(Object input, Throwable error) {
        lastFailure = error;
        if (worker.isForcing()) {
            return;
        }
        countFailure();
        recordError(error);
        try {
            worker.errorHandler().handle(worker, input, error);
        } catch (RuntimeException | Error handlerError) {
            // An Error too (a handler that rethrows Errors): escaping here would skip the run's end, and the
            // worker would count as running for ever.
            log.error("The error handler of worker '{}' failed", worker.getName(), handlerError);
        }
    }

    private boolean goOn(Object result) {
        if (Boolean.FALSE.equals(result)) {
            log.debug("Worker '{}': target returned false, stopping", worker.getName());
            worker.requestStop();
            return false;
        }
        return true;
    }
}
