package dev.tasksupervisor.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lifecycle.Deadline;

/**
 * Runs its target on a schedule: neotasker's {@code BackgroundIntervalWorker}, and Spring's {@code @Scheduled}.
 * One of three: every {@code interval} at a fixed rate (ticks on a grid from the start, so the schedule does not
 * drift), {@code delay} after each run ends (fixed delay), or at the times of a {@link WorkerSchedule} (a cron
 * expression, say: wall-clock times, read from the worker's {@link #setClock clock}). {@code initialDelay}
 * postpones the first run. {@link #trigger()} runs it now; {@link #skipNextRun()} skips the next scheduled run
 * because the caller ran the target itself; the {@code reschedule*} methods change the schedule of a running
 * worker from its next tick.
 *
 * <p>Runs never overlap. A tick that cannot run at its time is missed: it comes while the run before it is
 * still going, or the timer wakes up past the {@link #MISFIRE_GRACE grace} (a GC pause, a suspended host, the
 * wall clock jumping forward). The {@link MisfirePolicy} says what happens then: by default one run, as soon
 * as possible, for all the ticks missed, then the schedule goes on; never a burst of catch-up runs, as
 * {@code scheduleAtFixedRate} would make. A run held up on its pool thread before it began (its run guard
 * waited, or the thread did) that begins after the ticks that came meanwhile is their one run; an async
 * target's run begins when it is handed to its aloop. {@link #getMisfires()} counts them.
 *
 * <p>A run that fails postpones the schedule by the {@link #setFailureBackoff failure backoff}, growing with
 * each failure in a row and reset by a success: the ticks due sooner are skipped (the next run is the first
 * tick after the backoff), with a fixed delay the pause is the longer of the two. A tick missed during a failed
 * run does not run right after it. {@link #trigger()} runs at once all the same.
 *
 * <p>Timers run on the supervisor's own loop (on the worker's aloop for an async target), one at a time: each
 * tick arms the next (a fixed delay's is armed when the run ends); a run goes to the pool. With the
 * supervisor's task decorator (and a sync target), every run, triggered ones included, has the context (MDC,
 * security, tracing) of the thread that started the worker.
 *
 * <p>Invariants: {@code running}, {@code skipNext}, {@code triggered}, {@code tickMissed}, {@code timer},
 * {@code armed}, {@code nextDue}, {@code nextRunAt}, {@code misfires} and {@code onTimeMillis} are guarded by the
 * worker's monitor (its life cycle's); only the thread that sets {@code running} dispatches a run; a timer
 * acts only while its {@code armed} number is the current one, so a cancelled timer that fires anyway does nothing.
 *
 * <p>Why one long class: the three schedules share the tick, the misfire rules, the trigger and the hand-over
 * from one run to the next, all under one lock; split up, each part would reach into the others' state.
 */
public class IntervalWorker extends NoInputWorker implements TriggerableWorker {

    /**
     * How late a tick may run and still not count as missed (capped at half the time to the following tick): well
     * above a timer's usual lateness, well below a pause that should count.
     */
    public static final Duration MISFIRE_GRACE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(IntervalWorker.class);

    private volatile Duration interval;
    private volatile Duration delay;
    private volatile WorkerSchedule schedule;
    private volatile Duration initialDelay = Duration.ZERO;
    /** The {@link MisfirePolicy} as a flag, {@code SKIP} when set: a boolean packs beside the others. */
    private volatile boolean skipMissed;
    private volatile Clock clock = Clock.systemUTC();
    /** The schedule of the current start, after overrides and reschedules: exactly one is set while active. */
    private volatile Duration startInterval;
    private volatile Duration startDelay;
    private volatile WorkerSchedule startSchedule;

    private boolean running;
    private boolean skipNext;
    private boolean triggered;
    /**
     * A tick found the run before it still going, and the policy runs once for it: right after that run, unless
     * that run began after the tick was due.
     */
    private boolean tickMissed;
    /** When the last missed tick was due. */
    private long missedDue;
    private ScheduledFuture<?> timer;
    /** Numbers the timers: only the timer armed last may act. */
    private int armed;
    /** When the next tick is due ({@link System#nanoTime()}); its timer fires {@code lead} sooner. */
    private long nextDue;
    /** Under a {@link WorkerSchedule}: the wall-clock time of the next tick, or null when it has none. */
    private Instant nextRunAt;
    /** Saturates at {@link Integer#MAX_VALUE}: an int keeps an idle interval worker within its 8-byte slot. */
    private int misfires;
    /** How much sooner than a run is due its timer fires, so that the hand-off to a pool thread is done by then. */
    private int lead;
    /**
     * When the worker was last on time, in milliseconds of its clock: where {@link #getOverdueAt} counts from. Its
     * first run's time at a start (the start plus the initial delay) or a reschedule, then the end of each run that
     * succeeded or that its run guard refused (the lock was held elsewhere), whichever is later.
     */
    private long onTimeMillis;
    /** The context of the thread that started the worker, for every run; null without a task decorator. */
    private volatile ContextRun startContext;

    /** A worker that runs {@code target} on the schedule set later: an interval, a delay or a schedule. */
    public IntervalWorker(WorkerHost supervisor, String name, WorkerTarget<Void> target) {
        super(supervisor, name, target);
    }

    /** A worker that runs {@code target} every {@code interval}, at a fixed rate. */
    public IntervalWorker(WorkerHost supervisor, String name, Duration interval, WorkerTarget<Void> target) {
        this(supervisor, name, target);
        setInterval(interval);
    }

    /** A worker that runs {@code target} at the times of {@code schedule}. */
    public IntervalWorker(WorkerHost supervisor, String name, WorkerSchedule schedule, WorkerTarget<Void> target) {
        this(supervisor, name, target);
        setSchedule(schedule);
    }

    /** For subclasses that override {@link #run(WorkerContext)}. */
    protected IntervalWorker(WorkerHost supervisor, String name, boolean async) {
        super(supervisor, name, async);
    }

    /**
     * Runs the target every {@code interval}, at a fixed rate from the start (from the next start on; to change a
     * running worker's schedule, {@link #rescheduleAtFixedRate}).
     *
     * @throws InvalidSettingException unless positive
     */
    public void setInterval(Duration interval) {
        this.interval = requirePositive(interval, "interval");
    }

    /**
     * Runs the target {@code delay} after each run ends (from the next start on; to change a running worker's
     * schedule, {@link #rescheduleWithFixedDelay}).
     *
     * @throws InvalidSettingException unless positive
     */
    public void setDelay(Duration delay) {
        this.delay = requirePositive(delay, "delay");
    }

    /** Runs the target at the times of {@code schedule}, from the next start on (running: {@link #reschedule}). */
    public void setSchedule(WorkerSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    /**
     * Waits {@code initialDelay} before the first run (default: none); neotasker's {@code delay_before}. Under a
     * schedule, the first run is its first time after the initial delay.
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

    /** What to do with missed ticks (default {@link MisfirePolicy#RUN_ONCE}); read at each tick. */
    public void setMisfirePolicy(MisfirePolicy misfirePolicy) {
        this.skipMissed = Objects.requireNonNull(misfirePolicy, "misfirePolicy") == MisfirePolicy.SKIP;
    }

    /** The wall clock a {@link WorkerSchedule} is read against (default: the system's, in UTC); for tests. */
    public void setClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The policy for missed ticks. */
    public MisfirePolicy getMisfirePolicy() {
        return skipMissed ? MisfirePolicy.SKIP : MisfirePolicy.RUN_ONCE;
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
        Timing timing = timing(overrides);
        startInterval = timing.interval();
        startDelay = timing.delay();
        startSchedule = timing.schedule();
    }

    @Override
    void checkSettings(WorkerStart overrides) {
        timing(overrides);
    }

    /** A start's schedule: exactly one of the three is set. */
    private record Timing(Duration interval, Duration delay, WorkerSchedule schedule) {
    }

    /** The schedule of a start with {@code overrides}: an interval or delay given there replaces the worker's. */
    private Timing timing(WorkerStart overrides) {
        Duration i = overrides.interval() != null ? requirePositive(overrides.interval(), "interval") : null;
        Duration d = overrides.delay() != null ? requirePositive(overrides.delay(), "delay") : null;
        WorkerSchedule s = null;
        if (i == null && d == null) {
            i = interval;
            d = delay;
            s = schedule;
        }
        if (i != null && d != null) {
            throw InvalidSettingException.notBoth(owner() + " has both an interval (" + i + ") and a delay (" + d
                    + "): set one, interval for a fixed rate or delay for a pause after each run", owner(), "interval",
                    i, "delay", d);
        }
        if (s != null && (i != null || d != null)) {
            String what = i != null ? "an interval" : "a delay";
            throw InvalidSettingException.notBoth(owner() + " has both " + what + " (" + (i != null ? i : d)
                    + ") and a schedule (" + s.describe() + "): set one of them", owner(),
                    i != null ? "interval" : "delay", i != null ? i : d, "schedule", s.describe());
        }
        if (i == null && d == null && s == null) {
            throw InvalidSettingException.oneOf(owner() + " has no schedule: set an interval, a delay or a schedule "
                    + "(cron)", owner(), "interval", "delay");
        }
        return new Timing(i, d, s);
    }

    @Override
    public WorkerKind getKind() {
        return WorkerKind.INTERVAL;
    }

    @Override
    public String getSchedule() {
        if (startInterval != null || startDelay != null || startSchedule != null) {
            return describe(startInterval, startDelay, startSchedule);
        }
        return describe(interval, delay, schedule);
    }

    private static String describe(Duration interval, Duration delay, WorkerSchedule schedule) {
        return interval != null ? "every " + interval : delay != null ? "delay " + delay
                : schedule != null ? schedule.describe() : "unscheduled";
    }

    /**
     * When the next scheduled run is due, or {@code null} when none is: the worker is not active, a fixed delay
     * waits for the run in progress to end, or the schedule has no time left. A triggered run is not in it.
     */
    @Override
    public Instant getNextRun() {
        synchronized (monitor()) {
            if (!isActive() || timer == null) {
                return null;
            }
            if (startSchedule != null) {
                return nextRunAt;
            }
            return Instant.now().plusNanos(nextDue - System.nanoTime());
        }
    }

    /**
     * When the worker becomes overdue: the time by which, with no successful run since, {@code periods} periods of
     * its schedule have gone by. They count from the last success, or from the start plus the initial delay
     * (the first run's time) when it has not succeeded since it started; a run its {@link RunGuard} refused
     * counts as a success here, since the lock was held elsewhere (another instance ran it); a reschedule counts
     * as a start. A period is the
     * interval at a fixed rate; the delay plus the last run's duration with a fixed delay; under a schedule, the
     * time from one of its ticks to the next: the answer is its {@code periods}-th tick after that point, plus the
     * last run's duration (for that run to end). {@code null} when the worker is not active, or its schedule has
     * no such tick (or throws). The schedule in force now is used (after a reschedule, the new one). Times are
     * the worker's clock's ({@link #setClock}).
     *
     * @throws IllegalArgumentException unless {@code periods} is positive
     */
    public Instant getOverdueAt(int periods) {
        if (periods < 1) {
            throw new IllegalArgumentException("periods must be at least 1, was " + periods);
        }
        Duration interval;
        Duration delay;
        WorkerSchedule scheduled;
        Instant base;
        synchronized (monitor()) { // the start's schedule and time as one
            if (!isActive()) {
                return null;
            }
            interval = startInterval;
            delay = startDelay;
            scheduled = startSchedule;
            base = Instant.ofEpochMilli(onTimeMillis);
        }
        RunStatistics statistics = runs().statistics();
        Duration lastRun = statistics.lastRunDuration();
        Duration took = lastRun == null ? Duration.ZERO : lastRun;
        if (interval != null) {
            return base.plus(interval.multipliedBy(periods));
        }
        if (delay != null) {
            return base.plus(delay.plus(took).multipliedBy(periods));
        }
        Instant tick = base;
        try {
            for (int i = 0; i < periods && tick != null; i++) {
                tick = scheduled.next(tick);
            }
        } catch (RuntimeException e) {
            return null; // a schedule that throws runs nothing on its own: logged where its ticks are armed
        }
        return tick == null ? null : tick.plus(took);
    }

    /**
     * How many times ticks were missed (see {@link MisfirePolicy}): each tick that came during a run, and each time the
     * timer woke up late.
     */
    public long getMisfires() {
        synchronized (monitor()) {
            return misfires;
        }
    }

    @Override
    void onPrepare() {
        synchronized (monitor()) {
            skipNext = false;
            triggered = false;
            tickMissed = false;
            disarm(); // left armed by a stop that reached the kind too late to cancel it
        }
    }

    @Override
    void onStart() {
        startContext = captureRun(null);
        int start = generation();
        synchronized (monitor()) {
            onTimeMillis = clock.millis() + initialDelay.toMillis();
            long initial = Deadline.nanos(initialDelay);
            setLead();
            if (startSchedule != null) {
                armAt(start, nextTime(clock.instant().plusNanos(initial)));
            } else {
                // The first run, at a fixed rate and after a delay alike: a fixed rate's grid of ticks starts here.
                arm(start, System.nanoTime() + initial);
            }
        }
    }

    /**
     * Sets the lead for the current schedule: an async run starts on the timer's own loop, with nothing to hand
     * over ahead of time; a period shorter than two leads gets half of it. Caller holds the monitor.
     */
    private void setLead() {
        if (isAsync()) {
            lead = 0;
        } else if (startSchedule != null) {
            lead = LEAD_NANOS;
        } else {
            lead = (int) Math.min(LEAD_NANOS, Deadline.nanos(startInterval != null ? startInterval : startDelay) / 2);
        }
    }

    /** How much sooner a timer fires than the sync run it hands to a pool thread: more than a hand-off takes. */
    private static final int LEAD_NANOS = 1_000_000;

    /** Arms the timer for a tick due at {@code due} ({@link System#nanoTime()}). Caller holds the monitor. */
    private void arm(int start, long due) {
        disarm();
        nextDue = due;
        int number = ++armed;
        try {
            timer = timerLoop().schedule(() -> tick(start, number),
                    Duration.ofNanos(Math.max(0, due - lead - System.nanoTime())));
        } catch (RejectedExecutionException e) {
            timer = null; // the loop is stopping with the supervisor
        }
    }

    /**
     * The current schedule's first time after {@code time}; {@code null} when it has none, or when it throws
     * (code of the application's: logged, and the worker then runs only when triggered, rather than its timer
     * thread dying with the exception). Caller holds the monitor.
     */
    private Instant nextTime(Instant time) {
        try {
            return startSchedule.next(time);
        } catch (RuntimeException e) {
            log.error("Worker '{}': its schedule ({}) failed to give the time after {}; it stays active and runs only "
                    + "when triggered until it is rescheduled or started again", getName(), startSchedule.describe(),
                    time, e);
            return null;
        }
    }

    /** Arms the timer for the schedule's tick at {@code at} (wall clock), or for none. Caller holds the monitor. */
    private void armAt(int start, Instant at) {
        nextRunAt = at;
        if (at == null) {
            disarm();
            log.info("Worker '{}': its schedule ({}) has no time left; it stays active and runs only when "
                    + "triggered", getName(), startSchedule.describe());
            return;
        }
        long untilThen = Deadline.nanos(Duration.between(clock.instant(), at));
        arm(start, System.nanoTime() + untilThen);
    }

    /** Cancels the armed timer, if any: a timer that fires anyway finds its number stale. Caller holds the monitor. */
    private void disarm() {
        armed++;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /**
     * A timer fired, {@code lead} before a tick is due. At a fixed rate or under a schedule it first arms the
     * next tick, so that the schedule goes on whatever this tick does; then the tick's run is handed to a pool
     * thread, which waits until it is due, unless the tick is missed or skipped.
     */
    private void tick(int start, int number) {
        long due;
        synchronized (monitor()) {
            if (!isActive() || generation() != start || number != armed) {
                return; // a timer of an earlier start, or one cancelled as it fired
            }
            timer = null;
            long now = System.nanoTime();
            due = nextDue;
            long late; // how late the tick is, past the grace: > 0 when missed
            if (startSchedule != null) {
                Instant at = nextRunAt;
                Instant wall = clock.instant();
                long early = Deadline.nanos(Duration.between(wall, at)) - lead;
                if (early > EARLY_NANOS) {
                    armAt(start, at); // the wall clock went back since the timer was armed: wait for the tick's time
                    return;
                }
                Instant following = nextTime(wall.isAfter(at) ? wall : at);
                long gap = following == null ? Long.MAX_VALUE : Deadline.nanos(Duration.between(at, following));
                late = -early - lead - grace(gap);
                armAt(start, following);
            } else if (startInterval != null) {
                long period = Deadline.nanos(startInterval);
                long following = due + period;
                if (following - lead <= now) {
                    following = due + ((now - due) / period + 1) * period; // held up: on to the grid's next tick
                }
                late = now - due - grace(period);
                arm(start, following);
            } else {
                late = 0; // a fixed delay's timer fires once; the end of the run arms the next
            }
            if (skipNext) {
                skipNext = false;
                scheduleNextDelay();
                return;
            }
            // The backoff, from the run statistics (no field of its own), counts from the end of the last run.
            long backoff = running ? 0 : runs().backoffLeft(getFailureBackoff());
            if (backoff > 0 && due - now < backoff) {
                scheduleNextDelay(); // a fixed delay's timer is armed past the backoff already; should it not be
                return; // failing: this tick comes before the backoff ends
            }
            if (running) {
                countMisfire();
                if (!skipMissed) {
                    tickMissed = true; // runs right after the run in progress; later ticks until then coalesce
                    missedDue = due; // the latest: the run in progress may yet begin after it (see runEnded)
                }
                return;
            }
            if (late > 0) {
                countMisfire();
                if (skipMissed) {
                    return;
                }
                due = now; // the one run for the ticks missed: at once
            }
            running = true;
        }
        runs().dispatch(null, startContext, this::runEnded, start, due);
    }

    /** Counts a missed tick. Caller holds the monitor. */
    private void countMisfire() {
        if (misfires != Integer.MAX_VALUE) {
            misfires++;
        }
    }

    /** How much earlier than its tick, beyond the lead, a timer may fire before it waits again: clock noise. */
    private static final long EARLY_NANOS = 1_000_000;

    /** The grace of a tick whose following tick is {@code gap} after it. */
    private static long grace(long gap) {
        return Math.min(Deadline.nanos(MISFIRE_GRACE), gap / 2);
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
                disarm(); // the next delay counts from the end of this run
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

    /**
     * From now on runs every {@code interval} at a fixed rate, the first run one interval from now. As every
     * {@code reschedule*} method: a run in progress goes on and the next does not overlap it; the change holds for
     * later starts of this worker too, but not past a restart of the application, which configured it.
     *
     * @throws InvalidSettingException unless positive
     */
    public void rescheduleAtFixedRate(Duration interval) {
        Duration checked = requirePositive(interval, "interval");
        reschedule(new Timing(checked, null, null));
    }

    /**
     * From now on runs {@code delay} after each run ends: the next run is one delay from now, or from the end of
     * the run in progress.
     *
     * @throws InvalidSettingException unless positive
     */
    public void rescheduleWithFixedDelay(Duration delay) {
        Duration checked = requirePositive(delay, "delay");
        reschedule(new Timing(null, checked, null));
    }

    /** From now on runs at the times of {@code schedule}, the first its first time after now. */
    public void reschedule(WorkerSchedule schedule) {
        reschedule(new Timing(null, null, Objects.requireNonNull(schedule, "schedule")));
    }

    private void reschedule(Timing timing) {
        String before;
        synchronized (monitor()) {
            before = getSchedule();
            interval = timing.interval();
            delay = timing.delay();
            schedule = timing.schedule();
            if (isActive()) {
                startInterval = timing.interval();
                startDelay = timing.delay();
                startSchedule = timing.schedule();
                onTimeMillis = clock.millis(); // the new schedule's periods count from now
                int start = generation();
                setLead();
                if (startSchedule != null) {
                    armAt(start, nextTime(clock.instant()));
                } else if (startDelay != null && running) {
                    disarm(); // the end of the run in progress arms the first delay
                } else {
                    arm(start, System.nanoTime() + Deadline.nanos(startInterval != null ? startInterval : startDelay));
                }
            }
        }
        log.info("Worker '{}' rescheduled: {} -> {}, from its next tick", getName(), before, getSchedule());
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
            } else {
                // Succeeded, or refused by its run guard: on time. One clock read per run, not per item.
                onTimeMillis = Math.max(onTimeMillis, clock.millis());
            }
            if (isActive()) {
                // A run held up before it began (its run guard waited, the host did not schedule its pool thread)
                // that began after the last missed tick was due was that tick's run: no second run right after.
                // A run its guard refused did not begin (its start is an earlier run's): it is still owed.
                boolean owed = tickMissed && !runs().lastRunStartedSince(missedDue);
                tickMissed = false;
                if (triggered || owed) {
                    if (!triggered) {
                        due = missedDue; // passed already, or within the lead: at once, or at that tick's time
                    }
                    triggered = false;
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
            long delayNanos = Math.max(Deadline.nanos(startDelay), runs().backoffLeft(getFailureBackoff()));
            arm(generation(), System.nanoTime() + delayNanos);
        }
    }

    @Override
    void onStopRequested(int startedIn) {
        synchronized (monitor()) {
            if (generation() != startedIn) {
                return; // late: the worker stopped and started again meanwhile, and this timer is the new start's
            }
            disarm();
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
