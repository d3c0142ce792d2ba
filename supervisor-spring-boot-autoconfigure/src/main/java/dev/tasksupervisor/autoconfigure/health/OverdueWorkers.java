package dev.tasksupervisor.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorConfigurationException;
import dev.tasksupervisor.autoconfigure.SupervisorProperties;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * Which workers of a supervisor are overdue: an interval or cron worker with no successful run within
 * {@code periods} periods of its schedule ({@link IntervalWorker#getOverdueAt}), and a queue worker that has
 * held items without ending a run for longer than {@code queueWait} (off when null). The health contributor
 * lists them and the meters show them.
 *
 * <p>How long a queue has been stuck is probed, not tracked on the put or run path: each call that looks at a
 * queue notes its run count while it holds items, and the time is counted from the first call that saw that
 * count with items waiting. So it costs nothing per item, and it reads up to one probe interval (a health
 * check's, a scrape's) low; an item put into an idle queue between two probes counts from the earlier probe,
 * up to one interval high. A queue that runs its items, however long its backlog, is not stuck: its size shows
 * that.
 *
 * <p>Thread safety: the probes are guarded by their map's monitor; health checks and scrapes may call at once.
 * Workers are held weakly, so an unregistered worker's probe goes with it.
 */
public final class OverdueWorkers {

    /** How many periods without a success make an interval worker overdue unless configured. */
    public static final int DEFAULT_PERIODS = 3;

    private final TaskSupervisor supervisor;
    private final int periods;
    private final Duration queueWait;
    private final Clock clock;
    /** A stuck-looking queue's run count when first seen so, and when; guarded by itself. */
    private final Map<QueueWorker<?>, Probe> probes = Collections.synchronizedMap(new WeakHashMap<>());

    private record Probe(long runs, Instant since) {
    }

    /** One overdue interval worker, or a stale queue worker, and since when it is. */
    public record Overdue(BackgroundWorker worker, Instant since) {
    }

    /** Overdue workers of {@code supervisor} by the system clock; {@code queueWait} null: queues are never stale. */
    public OverdueWorkers(TaskSupervisor supervisor, int periods, Duration queueWait) {
        this(supervisor, periods, queueWait, Clock.systemUTC());
    }

    /** As {@link #OverdueWorkers(TaskSupervisor, int, Duration)}, reading the time from {@code clock} (for tests). */
    public OverdueWorkers(TaskSupervisor supervisor, int periods, Duration queueWait, Clock clock) {
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        if (periods < 1) {
            throw new IllegalArgumentException("periods must be at least 1, was " + periods);
        }
        this.periods = periods;
        this.queueWait = queueWait == null || queueWait.isZero() || queueWait.isNegative() ? null : queueWait;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Overdue workers as {@code supervisor.overdue.*} says (the defaults when {@code settings} is null).
     *
     * @throws SupervisorConfigurationException if {@code supervisor.overdue.periods} is below 1
     */
    public static OverdueWorkers of(TaskSupervisor supervisor, SupervisorProperties.Overdue settings) {
        if (settings == null) {
            return new OverdueWorkers(supervisor, DEFAULT_PERIODS, null);
        }
        if (settings.getPeriods() < 1) {
            throw new SupervisorConfigurationException("supervisor.overdue.periods is " + settings.getPeriods()
                    + ": a worker cannot be overdue before one period of its schedule has gone by",
                    "set supervisor.overdue.periods to 1 or more (default " + DEFAULT_PERIODS + ")");
        }
        return new OverdueWorkers(supervisor, settings.getPeriods(), settings.getQueueWait());
    }

    /** How many periods of its schedule an interval worker may go without a success. */
    public int getPeriods() {
        return periods;
    }

    /** How long a queue may hold items without ending a run before it is stale; null when never. */
    public Duration getQueueWait() {
        return queueWait;
    }

    /** The interval workers overdue now, and the stale queue workers, in the supervisor's order. */
    public List<Overdue> overdue() {
        Instant now = clock.instant();
        List<Overdue> overdue = new ArrayList<>();
        for (BackgroundWorker worker : supervisor.getWorkers()) {
            Instant since = overdueSince(worker, now);
            if (since != null) {
                overdue.add(new Overdue(worker, since));
            }
        }
        return overdue;
    }

    /** Whether {@code worker} is overdue (an interval worker) or stale (a queue worker) now. */
    public boolean isOverdue(BackgroundWorker worker) {
        return overdueSince(worker, clock.instant()) != null;
    }

    private Instant overdueSince(BackgroundWorker worker, Instant now) {
        if (worker instanceof IntervalWorker interval) {
            Instant at = interval.getOverdueAt(periods);
            return at != null && now.isAfter(at) ? at : null;
        }
        if (worker instanceof QueueWorker<?> queue && queueWait != null) {
            Duration stuck = stuckFor(queue, now);
            return stuck.compareTo(queueWait) > 0 ? now.minus(stuck).plus(queueWait) : null;
        }
        return null;
    }

    /** How long ago {@code worker}'s last successful run ended; {@code null} before the first. */
    public Duration sinceLastSuccess(BackgroundWorker worker) {
        Instant success = worker.getLastSuccess();
        return success == null ? null : Duration.between(success, clock.instant());
    }

    /**
     * How long {@code queue} has held items without ending a run, as far as the probes tell (see the class
     * comment); zero when it is empty, not active, or has ended a run since the last probe. For a durable queue,
     * the age of its oldest stored item, as its database tells.
     */
    public Duration stuckFor(QueueWorker<?> queue) {
        return stuckFor(queue, clock.instant());
    }

    private Duration stuckFor(QueueWorker<?> queue, Instant now) {
        if (queue instanceof DurableQueueWorker<?> durable) {
            // The database knows how long its oldest item has waited, whichever instance put it: no probe needed.
            return durable.isActive() ? durable.getOldestAge() : Duration.ZERO;
        }
        if (!queue.isActive() || queue.getQueueSize() == 0) {
            probes.remove(queue);
            return Duration.ZERO;
        }
        long runs = queue.getRuns() + queue.getSkips();
        Probe probe = probes.compute(queue, (q, seen) -> seen != null && seen.runs() == runs ? seen
                : new Probe(runs, now));
        Duration stuck = Duration.between(probe.since(), now);
        return stuck.isNegative() ? Duration.ZERO : stuck;
    }
}
