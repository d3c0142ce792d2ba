package dev.tasksupervisor.worker;

import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run of a worker's sync target wrapped by the supervisor's task decorator on the thread that asked
 * for it (the putter of a queue item, the trigger of an event run, the starter of an interval worker),
 * so that the target runs in that thread's context (MDC, security, tracing) whichever thread later
 * dispatches it. The pool decorates on the dispatching thread, which for these runs is a drain, a timer
 * or an earlier run: the wrong context; so the pool task that runs a {@code ContextRun} is not decorated,
 * and each run is decorated once. Made only when the supervisor has a decorator.
 *
 * <p>Not thread-safe: one run at a time, the worker's own invariant; {@code input} and {@code outcome}
 * are touched only by the thread running it, inside {@link #runInContext}.
 */
final class ContextRun implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ContextRun.class);

    private final BackgroundWorker worker;
    private final Object item;
    private Runnable decorated;
    private Object input;
    /** The start the run was dispatched in, and when it may begin; see {@link WorkerRuns#runSync(Object, int, long)}. */
    private int startedIn;
    private long notBefore;
    private WorkerRuns.Outcome outcome;
    private boolean ran;

    private ContextRun(BackgroundWorker worker, Object item) {
        this.worker = worker;
        this.item = item;
    }

    /** Captures the calling thread's context for a later run of {@code worker}'s target. */
    static ContextRun capture(BackgroundWorker worker, UnaryOperator<Runnable> decorator, Object item) {
        ContextRun run = new ContextRun(worker, item);
        run.decorated = decorator.apply(run);
        return run;
    }

    /**
     * Whether the decorator wrapped the run, so that it carries a context. One that handed the run back as it was
     * (it had nothing to carry on this thread, as the starter's propagation where no observation is current)
     * carries nothing: a queue then keeps the plain item, which runs with the items around it in one series.
     */
    boolean carriesContext() {
        return decorated != this;
    }

    /** What it was captured with: the queue item, or {@code null}. */
    Object item() {
        return item;
    }

    /**
     * Runs the target once with {@code input} inside the captured context, for the start {@code startedIn}
     * and no sooner than {@code notBefore}. A decorator that fails, or never calls the run, makes it a
     * failed run ({@link WorkerRuns.Outcome#FAILED}: the worker goes on, and a queue retries the item).
     */
    WorkerRuns.Outcome runInContext(Object input, int startedIn, long notBefore) {
        this.input = input;
        this.startedIn = startedIn;
        this.notBefore = notBefore;
        outcome = WorkerRuns.Outcome.GO_ON;
        ran = false;
        try {
            decorated.run();
            if (!ran) {
                worker.runs().failedInDecorator(input, null);
                outcome = WorkerRuns.Outcome.FAILED;
            }
        } catch (RuntimeException | Error e) {
            if (ran) {
                // The target's own failures are counted inside runSync: this one is the decorator's, after it.
                log.error("The task decorator failed after a run of worker '{}'", worker.getName(), e);
            } else {
                // Before the target: a failed run of this input, so the error handler hears of the item.
                worker.runs().failedInDecorator(input, e);
                outcome = WorkerRuns.Outcome.FAILED;
            }
        } finally {
            this.input = null;
        }
        return outcome;
    }

    /** Called by the decorator's wrapper, in the captured context. */
    @Override
    public void run() {
        ran = true;
        outcome = worker.runs().runSync(input, startedIn, notBefore);
    }
}
