package dev.tasksupervisor.worker;

import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs its target again and again until stopped or until the target returns {@code false}:
 * neotasker's {@code BackgroundWorker} (a sync target, on a pool thread the worker keeps for as long as
 * it runs) and {@code BackgroundAsyncWorker} (an async target, on an aloop, each run started when the
 * previous stage completed).
 *
 * <p>One run at a time: the sync loop is a single pool task; the async loop starts the next run only
 * from the completion of the previous one. The sync loop, handed to the pool by {@code start}, has the
 * context (MDC, security, tracing) of the thread that started the worker if the supervisor has a task
 * decorator. A loop left over from an earlier start (a forced stop it ignored) knows its start's
 * {@link #generation()} and ends without touching the new one.
 */
public class ContinuousWorker extends NoInputWorker {

    /**
     * A worker running {@code target} continuously; an async target ({@link WorkerTarget#async}) makes
     * it an {@link WorkerKind#ASYNC} worker.
     */
    public ContinuousWorker(WorkerHost supervisor, String name, WorkerTarget<Void> target) {
        super(supervisor, name, target);
    }

    /** For subclasses that override {@link #run(WorkerContext)}. */
    protected ContinuousWorker(WorkerHost supervisor, String name, boolean async) {
        super(supervisor, name, async);
    }

    @Override
    public WorkerKind getKind() {
        return isAsync() ? WorkerKind.ASYNC : WorkerKind.PLAIN;
    }

    @Override
    public String getSchedule() {
        return "continuous";
    }

    @Override
    void onStart() {
        int start = generation();
        if (isAsync()) {
            timerLoop().executor().execute(() -> nextAsync(start));
        } else {
            handle().execute(() -> loop(start), true).whenComplete((done, error) -> {
                if (error != null && !(error instanceof CancellationException)) { // cancelled: a forced stop's
                    loopFailed(start, error);
                }
            });
        }
    }

    /**
     * The pool task holding the loop failed outside the target (the task decorator around it threw, or
     * never ran it; the run machinery itself contains the target's, handler's and listeners' failures):
     * the target cannot run, so count that as a failed run and stop, rather than stay ACTIVE with nothing
     * running.
     */
    private void loopFailed(int start, Throwable error) {
        if (generation() != start) {
            return;
        }
        runs().failedInDecorator(null, error.getCause() != null ? error.getCause() : error);
        requestStop();
        idle(start);
    }

    /** Whether this loop still belongs to the current start (a forced stop and restart leave it behind). */
    private boolean current(int start) {
        return isActive() && generation() == start;
    }

    private void loop(int start) {
        while (current(start) && runs().runSync(null, start, 0).goOn()) {
            // each pass is one run; the worker keeps this pool thread meanwhile
        }
        idle(start);
    }

    private void nextAsync(int start) {
        if (!current(start)) {
            idle(start);
            return;
        }
        runs().runAsync(null, start, null).thenAccept(outcome -> {
            try {
                // Through the executor rather than recursively: a target that completes at once must not grow the stack.
                timerLoop().executor().execute(() -> nextAsync(start));
            } catch (RejectedExecutionException e) {
                requestStop();
                idle(start);
            }
        });
    }

    @Override
    void onStopRequested(int startedIn) {
        // The loop sees the state at its next pass and settles the stop itself.
    }
}
