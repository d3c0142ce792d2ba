package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import dev.tasksupervisor.lifecycle.Deadline;

/**
 * Runs its target once per {@link #trigger()}: neotasker's {@code BackgroundEventWorker}. Triggers that
 * arrive while the target runs are coalesced into exactly one more run, started no sooner than the poll
 * delay after the previous run ended, so a storm of triggers costs bounded CPU. {@link #triggerNow()}
 * skips that delay. After a run that failed, the next run waits for the {@link #setFailureBackoff failure
 * backoff} too (growing with each failure in a row, reset by a success), however it is triggered: the
 * triggers meanwhile make one run when the backoff ends.
 *
 * <p>With the supervisor's task decorator (and a sync target), a run has the context (MDC, security,
 * tracing) of the trigger that asked for it; triggers coalesced into one run give it the context of the
 * first of them.
 *
 * <p>An idle event worker holds no thread and no timer. Invariants: {@code running}, {@code pending},
 * {@code now}, {@code followUp} and {@code next} are guarded by the worker's monitor (its life cycle's,
 * which nothing holds while calling out); a run is dispatched only by the thread that set {@code running}
 * from false to true, so runs never overlap.
 */
public class EventWorker extends NoInputWorker implements TriggerableWorker {

    private boolean running;
    private boolean pending;
    /** Whether a trigger coalesced into the next run asked for it without the poll delay. */
    private boolean now;
    private ScheduledFuture<?> followUp;
    /** The context of the first trigger coalesced into the next run; null without a task decorator. */
    private ContextRun next;

    /** A worker that runs {@code target} once per trigger; an async target runs on an aloop. */
    public EventWorker(WorkerHost supervisor, String name, WorkerTarget<Void> target) {
        super(supervisor, name, target);
    }

    /** For subclasses that override {@link #run(WorkerContext)}. */
    protected EventWorker(WorkerHost supervisor, String name, boolean async) {
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
    void onPrepare() {
        synchronized (monitor()) {
            pending = false;
            now = false;
            next = null;
            if (followUp != null) {
                followUp.cancel(false); // left armed by a stop that reached the kind too late to cancel it
                followUp = null;
            }
        }
    }

    @Override
    void onStart() {
        // Nothing to schedule: the first trigger dispatches the first run.
    }

    /**
     * Runs the target now, or once more after the run in progress (coalescing further triggers), no
     * sooner than the poll delay after it.
     *
     * @throws WorkerNotActiveException if the worker is not active (an {@code IllegalStateException})
     */
    @Override
    public void trigger() {
        trigger(false);
    }

    /**
     * Runs the target now, or right after the run in progress, without waiting for the poll delay; a
     * coalesced run already waiting for it starts at once.
     *
     * @throws WorkerNotActiveException if the worker is not active (an {@code IllegalStateException})
     */
    public void triggerNow() {
        trigger(true);
    }

    private void trigger(boolean skipPollDelay) {
        requireActiveToTrigger();
        ContextRun mine = captureRun(null); // outside the lock: the decorator is application code
        ContextRun run;
        int start;
        synchronized (monitor()) {
            // Checked again under the lock: a stop that found the worker idle may have finished meanwhile.
            requireActiveToTrigger();
            if (running) {
                pending = true;
                now |= skipPollDelay;
                if (next == null) {
                    next = mine;
                }
                return;
            }
            long backoff = runs().backoffLeft(getFailureBackoff()); // from the run statistics: no field of its own
            if (followUp != null) {
                if (!skipPollDelay || backoff > 0 || !followUp.cancel(false)) {
                    return; // a run is already due after the poll delay, or the backoff
                }
                followUp = null;
            }
            if (next == null) {
                next = mine;
            }
            start = generation();
            if (backoff > 0) {
                followUp(start, Duration.ofNanos(backoff)); // the last run failed: this one waits its backoff out
                return;
            }
            running = true;
            run = next;
            next = null;
        }
        runs().dispatch(null, run, this::runEnded, start);
    }

    /** Arms the timer for the coalesced run, {@code delay} from now. Caller holds the monitor. */
    private void followUp(int start, Duration delay) {
        try {
            followUp = timerLoop().schedule(() -> followUp(start), delay);
        } catch (RejectedExecutionException e) {
            followUp = null; // the supervisor is stopping: no more runs
        }
    }

    private void runEnded() {
        boolean again = false;
        ContextRun run = null;
        int start;
        long backoff = Math.max(0, runs().backoffLeft(getFailureBackoff())); // this run's: runs never overlap
        synchronized (monitor()) {
            running = false;
            start = generation();
            if (pending && isActive()) {
                pending = false;
                long delay = Math.max(now ? 0 : Deadline.nanos(getPollDelay()), backoff);
                if (delay == 0) {
                    running = true;
                    again = true;
                    run = next;
                    next = null;
                } else {
                    followUp(start, Duration.ofNanos(delay));
                }
                now = false;
            }
        }
        if (again) {
            runs().dispatch(null, run, this::runEnded, start);
        } else if (!isActive()) {
            idle(generation()); // settles unless a run was dispatched meanwhile (hasRunLeft)
        }
    }

    /** The coalesced run of the start {@code start} is due; a timer left over from an earlier start does nothing. */
    private void followUp(int start) {
        ContextRun run;
        synchronized (monitor()) {
            if (generation() != start) {
                return;
            }
            followUp = null;
            if (!isActive() || running) {
                return;
            }
            running = true;
            run = next;
            next = null;
        }
        runs().dispatch(null, run, this::runEnded, start);
    }

    @Override
    void onStopRequested(int startedIn) {
        synchronized (monitor()) {
            if (generation() != startedIn) {
                return; // late: the worker stopped and started again meanwhile
            }
            pending = false;
            next = null;
            if (followUp != null) {
                followUp.cancel(false);
                followUp = null;
            }
        }
        idle(startedIn); // unless a run is going: its end settles the stop
    }

    /** The run dispatched last has not ended: {@code running} belongs to whoever dispatched it, of any start. */
    @Override
    boolean hasRunLeft() {
        return running;
    }
}
