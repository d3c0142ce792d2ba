package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import dev.tasksupervisor.TaskSupervisor;

/**
 * Runs its target once per {@link #trigger()}: neotasker's {@code BackgroundEventWorker}. Triggers that
 * arrive while the target runs are coalesced into exactly one more run, started no sooner than the
 * supervisor's poll delay after the previous run ended, so a storm of triggers costs bounded CPU.
 * {@code trigger(true)} skips that delay.
 *
 * <p>With the supervisor's task decorator (and a sync target), a run has the context (MDC, security,
 * tracing) of the trigger that asked for it; triggers coalesced into one run give it the context of the
 * first of them.
 *
 * <p>An idle event worker holds no thread and no timer. Invariants: {@code running}, {@code pending},
 * {@code forced}, {@code followUp} and {@code next} are guarded by {@code this}; a run is dispatched
 * only by the thread that set {@code running} from false to true, so runs never overlap.
 */
public class EventWorker extends NoInputWorker implements TriggerableWorker {

    private boolean running;
    private boolean pending;
    private boolean forced;
    private ScheduledFuture<?> followUp;
    /** The context of the first trigger coalesced into the next run; null without a task decorator. */
    private ContextRun next;

    /** A worker that runs {@code target} once per trigger; an async target runs on an aloop. */
    public EventWorker(TaskSupervisor supervisor, String name, WorkerTarget<Void> target) {
        super(supervisor, name, target);
    }

    /** For subclasses that override {@link #run(WorkerContext)}. */
    protected EventWorker(TaskSupervisor supervisor, String name, boolean async) {
        super(supervisor, name, async);
    }

    @Override
    public WorkerKind getKind() {
        return WorkerKind.EVENT;
    }

    @Override
    public String getSchedule() {
        return "per trigger";
    }

    @Override
    protected void onStart() {
        synchronized (this) {
            pending = false;
            forced = false;
            next = null;
        }
    }

    /** Runs the target now, or once more after the run in progress (coalescing further triggers). */
    @Override
    public void trigger() {
        trigger(false);
    }

    /**
     * Triggers the worker.
     *
     * @param force run right after the current run ends (or now, if a coalesced run waits for the poll
     *     delay), without waiting for the poll delay
     * @throws IllegalStateException if the worker is not active
     */
    public void trigger(boolean force) {
        requireActiveToTrigger();
        ContextRun mine = captureRun(null); // outside the lock: the decorator is application code
        ContextRun run;
        synchronized (this) {
            // Checked again under the lock: a stop that found the worker idle may have finished meanwhile.
            requireActiveToTrigger();
            if (running) {
                pending = true;
                forced |= force;
                if (next == null) {
                    next = mine;
                }
                return;
            }
            if (followUp != null) {
                if (!force || !followUp.cancel(false)) {
                    return; // a run is already due after the poll delay
                }
                followUp = null;
            }
            running = true;
            run = next != null ? next : mine;
            next = null;
        }
        dispatchRun(null, run, this::runEnded);
    }

    private void runEnded() {
        boolean again = false;
        ContextRun run = null;
        synchronized (this) {
            running = false;
            if (pending && isActive()) {
                pending = false;
                Duration delay = getPollDelay();
                if (forced || delay.isZero()) {
                    running = true;
                    again = true;
                    run = next;
                    next = null;
                } else {
                    try {
                        followUp = timerLoop().schedule(this::followUp, delay);
                    } catch (RejectedExecutionException e) {
                        followUp = null; // the supervisor is stopping: no more runs
                    }
                }
                forced = false;
            }
        }
        if (again) {
            dispatchRun(null, run, this::runEnded);
        } else if (!isActive()) {
            finishIfIdle();
        }
    }

    private void followUp() {
        ContextRun run;
        synchronized (this) {
            followUp = null;
            if (!isActive() || running) {
                return;
            }
            running = true;
            run = next;
            next = null;
        }
        dispatchRun(null, run, this::runEnded);
    }

    @Override
    protected void onStopRequested() {
        synchronized (this) {
            pending = false;
            next = null;
            if (followUp != null) {
                followUp.cancel(false);
                followUp = null;
            }
        }
        finishIfIdle();
    }

    private void finishIfIdle() {
        synchronized (this) {
            if (running) {
                return; // the run's end finishes the stop
            }
        }
        finishStop();
    }
}
