package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lifecycle.Deadline;

/**
 * Runs its target on a schedule: neotasker's {@code BackgroundIntervalWorker}. Either every
 * {@code interval} at a fixed rate (ticks measured from the start, so the schedule does not drift; a
 * tick that finds the previous run still going runs right after it, and the ticks missed meanwhile make
 * that one run: no burst of catch-up runs, as {@code scheduleAtFixedRate} would make), or {@code delay} after
 * each run ends (fixed delay). {@code initialDelay} postpones the first run. {@link #trigger()} runs it
 * now; {@link #skipNextRun()} skips the next scheduled run because the caller ran the target itself.
 *
 * <p>A run that fails postpones the schedule by the {@link #setFailureBackoff failure backoff}, growing with
 * each failure in a row and reset by a success: at a fixed rate the ticks due sooner are skipped (the next
 * run is the first tick after the backoff), with a fixed delay the pause is the longer of the two. A tick
 * missed during a failed run does not run right after it. {@link #trigger()} runs at once all the same.
 *
 * <p>Timers run on the supervisor's own loop (on the worker's aloop for an async target); a run goes
 * to the pool. With the supervisor's task decorator (and a sync target), every run, triggered ones
 * included, has the context (MDC, security, tracing) of the thread that started the worker.
 * Invariants: {@code running}, {@code skipNext}, {@code triggered}, {@code tickMissed} and
 * {@code timer} are guarded by the worker's monitor (its life cycle's); only the thread that sets {@code running}
 * dispatches a run.
 */
public class IntervalWorker extends NoInputWorker implements TriggerableWorker {

    private volatile Duration interval;
    private volatile Duration delay;
    private volatile Duration initialDelay = Duration.ZERO;
    /** The schedule of the current start, after overrides. */
    private volatile Duration startInterval;
    private volatile Duration startDelay;

    private boolean running;
    private boolean skipNext;
    private boolean triggered;
    /** A fixed-rate tick found the run before it still going: one more run right after it. */
    private boolean tickMissed;
    /** When the missed tick was due. */
    private long missedDue;
    private ScheduledFuture<?> timer;
    /** When the next scheduled run is due ({@link System#nanoTime()}); its timer fires {@code lead} sooner. */
    private long nextDue;
    /** How much sooner than a run is due its timer fires, so that the hand-off to a pool thread is done by then. */
    private long lead;
    /** The context of the thread that started the worker, for every run; null without a task decorator. */
    private volatile ContextRun startContext;

    /** A worker that runs {@code target} on a schedule set with {@link #setInterval} or {@link #setDelay}. */
    public IntervalWorker(WorkerHost supervisor, String name, WorkerTarget<Void> target) {
        super(supervisor, name, target);
    }

    /** A worker that runs {@code target} every {@code interval}, at a fixed rate. */
    public IntervalWorker(WorkerHost supervisor, String name, Duration interval, WorkerTarget<Void> target) {
        this(supervisor, name, target);
        setInterval(interval);
    }

    /** For subclasses that override {@link #run(WorkerContext)}. */
    protected IntervalWorker(WorkerHost supervisor, String name, boolean async) {
        super(supervisor, name, async);
    }

    /**
     * Runs the target every {@code interval}, at a fixed rate from the start.
     *
     * @throws InvalidSettingException unless positive
     */
    public void setInterval(Duration interval) {
        this.interval = requirePositive(interval, "interval");
    }

    /**
     * Runs the target {@code delay} after each run ends.
     *
     * @throws InvalidSettingException unless positive
     */
    public void setDelay(Duration delay) {
        this.delay = requirePositive(delay, "delay");
    }

    /**
     * Waits {@code initialDelay} before the first run (default: none); neotasker's {@code delay_before}.
     *
     * @throws InvalidSettingException if negative
     */
    public void setInitialDelay(Duration initialDelay) {
        Objects.requireNonNull(initialDelay, "initialDelay");
        if (initialDelay.isNegative()) {
            throw InvalidSettingException.notNegative(owner(), "initialDelay", initialDelay,
                    "set it to 0 (the default) or a positive duration");
        }
        this.initialDelay = initialDelay;
    }

    private Duration requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw InvalidSettingException.positive(owner(), what, value, "1s");
        }
        return value;
    }

    @Override
    void configure(WorkerStart overrides) {
        Schedule schedule = schedule(overrides);
        startInterval = schedule.interval();
        startDelay = schedule.delay();
    }

    @Override
    void checkSettings(WorkerStart overrides) {
        schedule(overrides);
    }

    /** A start's schedule: exactly one of the two is set. */
    private record Schedule(Duration interval, Duration delay) {
    }

    /** The schedule of a start with {@code overrides}. */
    private Schedule schedule(WorkerStart overrides) {
        Duration i = overrides.interval() != null ? requirePositive(overrides.interval(), "interval") : null;
        Duration d = overrides.delay() != null ? requirePositive(overrides.delay(), "delay") : null;
        if (i == null && d == null) {
            i = interval;
            d = delay;
        }
        if (i != null && d != null) {
            throw InvalidSettingException.notBoth(owner() + " has both an interval (" + i + ") and a delay (" + d
                    + "): set one, interval for a fixed rate or delay for a pause after each run", owner(), "interval", i,
                    "delay", d);
        }
        if (i == null && d == null) {
            throw InvalidSettingException.oneOf(owner() + " has neither an interval nor a delay: set one of them",
                    owner(), "interval", "delay");
        }
        return new Schedule(i, d);
    }

    @Override
    public WorkerKind getKind() {
        return WorkerKind.INTERVAL;
    }

    @Override
    public String getSchedule() {
        Duration i = startInterval != null ? startInterval : interval;
        Duration d = startDelay != null ? startDelay : delay;
        return i != null ? "every " + i : d != null ? "delay " + d : "unscheduled";
    }

    @Override
    void onPrepare() {
        synchronized (monitor()) {
            skipNext = false;
            triggered = false;
            tickMissed = false;
            if (timer != null) {
                timer.cancel(false); // left armed by a stop that reached the kind too late to cancel it
                timer = null;
            }
        }
    }

    @Override
    void onStart() {
        Aloop loop = timerLoop();
        startContext = captureRun(null);
        boolean firstAtOnce = false;
        int start = generation();
        Runnable tick = () -> tick(start);
        synchronized (monitor()) {
            long initial = Deadline.nanos(initialDelay);
            long every = Deadline.nanos(startInterval != null ? startInterval : startDelay);
            // An async run starts on the timer's own loop: nothing to hand over ahead of time.
            lead = isAsync() ? 0 : Math.min(LEAD_NANOS, every / 2);
            nextDue = System.nanoTime() + initial;
            if (startInterval == null) {
                timer = loop.schedule(tick, Duration.ofNanos(Math.max(0, initial - lead)));
            } else {
                long first = initial - lead;
                if (first < 0) {
                    // Too soon to fire ahead of the first run: it is handed over now and waits for its time, and
                    // the timer, which keeps one period between firings, begins with the second.
                    firstAtOnce = true;
                    first += every;
                }
                timer = loop.scheduleAtFixedRate(tick, Duration.ofNanos(first), startInterval);
            }
        }
        if (firstAtOnce) {
            // On the timer loop, not here: this runs under the life-cycle lock, and a dispatch may decorate.
            loop.executor().execute(tick);
        }
    }

    /** How much sooner a timer fires than the sync run it hands to a pool thread: more than a hand-off takes. */
    private static final long LEAD_NANOS = 1_000_000;

    /**
     * A timer fired, {@code lead} before a run is due: the run is handed to a pool thread, which waits until
     * it is due. A fixed rate moves the due time on by one period at every firing, run or not, so the
     * schedule does not drift. A timer of an earlier start that fired as it was cancelled does nothing.
     */
    private void tick(int start) {
        long due;
        synchronized (monitor()) {
            if (!isActive() || generation() != start) {
                return;
            }
            due = nextDue;
            if (startInterval != null) {
                nextDue += Deadline.nanos(startInterval);
            } else {
                timer = null; // a fixed delay's timer fires once; the end of the run arms the next
            }
            if (skipNext) {
                skipNext = false;
                scheduleNextDelay();
                return;
            }
            // The backoff, from the run statistics (no field of its own), counts from the end of the last run.
            long backoff = running ? 0 : runs().backoffLeft(getFailureBackoff());
            if (backoff > 0 && due - System.nanoTime() < backoff) {
                scheduleNextDelay(); // a fixed delay's timer is armed past the backoff already; should it not be
                return; // failing: this tick comes before the backoff ends
            }
            if (running) {
                if (startInterval != null && !tickMissed) {
                    tickMissed = true; // runs right after the run in progress; later ticks until then coalesce
                    missedDue = due;
                }
                return;
            }
            running = true;
        }
        runs().dispatch(null, startContext, this::runEnded, start, due);
    }

    /**
     * Runs the target now, or once more right after the run in progress.
     *
     * @throws WorkerNotActiveException if the worker is not active (an {@code IllegalStateException})
     */
    @Override
    public void trigger() {
        requireActiveToTrigger();
        int start;
        synchronized (monitor()) {
            // Checked again under the lock: a stop that found the worker idle may have finished meanwhile.
            requireActiveToTrigger();
            if (running) {
                triggered = true;
                return;
            }
            if (startDelay != null && timer != null) {
                timer.cancel(false); // the next delay counts from the end of this run
                timer = null;
            }
            running = true;
            start = generation();
        }
        runs().dispatch(null, startContext, this::runEnded, start);
    }

    /**
     * Skips the next scheduled run: the caller has just run the target itself (neotasker's
     * {@code trigger(skip=True)}).
     *
     * @throws WorkerNotActiveException if the worker is not active (an {@code IllegalStateException})
     */
    public void skipNextRun() {
        requireActiveToTrigger();
        synchronized (monitor()) {
            requireActiveToTrigger();
            skipNext = true;
        }
    }

    private void runEnded() {
        boolean again = false;
        long due = 0;
        int start;
        int failures = runs().failuresInARow(); // this run's outcome: runs of this worker never overlap
        synchronized (monitor()) {
            running = false;
            start = generation();
            if (failures > 0) {
                tickMissed = false; // a failing worker does not catch up: the next tick after the backoff runs
            }
            if (isActive()) {
                if (triggered || tickMissed) {
                    if (!triggered) {
                        due = missedDue; // passed already: the run starts at once
                    }
                    triggered = false;
                    tickMissed = false;
                    running = true;
                    again = true;
                } else if (timer == null) {
                    // The timer is armed already when this run is left over from an earlier start, and the
                    // new start's first timer has not fired yet: one timer at a time.
                    scheduleNextDelay();
                }
            }
        }
        if (again) {
            runs().dispatch(null, startContext, this::runEnded, start, due);
        } else if (!isActive()) {
            idle(generation()); // settles unless a run was dispatched meanwhile (hasRunLeft)
        }
    }

    /** With a fixed delay, arms the timer for the next run, {@code lead} ahead of it. Caller holds the monitor. */
    private void scheduleNextDelay() {
        if (startDelay != null) {
            long now = System.nanoTime();
            long delayNanos = Math.max(Deadline.nanos(startDelay), runs().backoffLeft(getFailureBackoff()));
            nextDue = now + delayNanos;
            try {
                int start = generation();
                timer = timerLoop().schedule(() -> tick(start), Duration.ofNanos(Math.max(0, delayNanos - lead)));
            } catch (RejectedExecutionException e) {
                timer = null; // the loop is stopping with the supervisor
            }
        }
    }

    @Override
    void onStopRequested(int startedIn) {
        synchronized (monitor()) {
            if (generation() != startedIn) {
                return; // late: the worker stopped and started again meanwhile, and this timer is the new start's
            }
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            triggered = false;
            tickMissed = false;
        }
        idle(startedIn); // unless a run is going: its end settles the stop
    }

    /** The run dispatched last has not ended: {@code running} belongs to whoever dispatched it, of any start. */
    @Override
    boolean hasRunLeft() {
        return running;
    }
}
