package dev.tasksupervisor.autoconfigure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolInfo;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * The {@code supervisor} health contributor: UP while the task supervisor is active and its pool's health
 * check passes; DOWN when it is not active (stopping, stopped), its pool is saturated, or the system refused
 * the threads of the pool's last resize (until the next resize). The details give
 * the pool's figures and the last check's latency, and list the {@link OverdueWorkers overdue} interval workers
 * ({@code overdue}) and stale queue workers ({@code staleQueues}); while any is listed and the supervisor is
 * otherwise UP, the status is the configured overdue status (UP by default). Reads
 * {@link TaskSupervisor#poolInfo()} and each worker's figures; resets nothing.
 */
public class SupervisorHealthIndicator implements HealthIndicator {

    private final TaskSupervisor supervisor;
    private final OverdueWorkers overdueWorkers;
    private final Status overdueStatus;

    /** A health indicator for {@code supervisor}: overdue after the default periods, no stale queues, status UP. */
    public SupervisorHealthIndicator(TaskSupervisor supervisor) {
        this(supervisor, new OverdueWorkers(supervisor, OverdueWorkers.DEFAULT_PERIODS, null), Status.UP);
    }

    /** A health indicator for {@code supervisor} that reports {@code overdueStatus} while any worker is overdue. */
    public SupervisorHealthIndicator(TaskSupervisor supervisor, OverdueWorkers overdueWorkers, Status overdueStatus) {
        this.supervisor = supervisor;
        this.overdueWorkers = Objects.requireNonNull(overdueWorkers, "overdueWorkers");
        this.overdueStatus = Objects.requireNonNull(overdueStatus, "overdueStatus");
    }

    @Override
    public Health health() {
        // The state read once: a stop racing this check must not give UP beside a state of STOPPING.
        SupervisorState state = supervisor.getState();
        PoolInfo pool = supervisor.poolInfo();
        Health.Builder health;
        boolean up = false;
        if (state != SupervisorState.ACTIVE) {
            health = Health.down().withDetail("reason", "task supervisor '" + supervisor.getId() + "' is " + state);
        } else if (pool != null && pool.saturated()) {
            health = Health.down().withDetail("reason", "the pool is saturated: its health probe waited longer "
                    + "than supervisor.pool.check-timeout for a thread; consider raising supervisor.pool.max-size");
        } else if (pool != null && pool.growthFailure() != null) {
            // The pool runs on at its earlier sizes, but the system refused threads: whatever else in the
            // process needs one may be refused too, and the resize asked for did not happen.
            health = Health.down().withDetail("reason", pool.growthFailure());
        } else {
            health = Health.up();
            up = true;
        }
        List<OverdueWorkers.Overdue> overdue = state == SupervisorState.ACTIVE ? overdueWorkers.overdue() : List.of();
        Map<String, Object> late = new LinkedHashMap<>();
        Map<String, Object> stale = new LinkedHashMap<>();
        for (OverdueWorkers.Overdue entry : overdue) {
            BackgroundWorker worker = entry.worker();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("overdueSince", entry.since().toString());
            if (worker instanceof QueueWorker<?> queue) {
                view.put("queueSize", queue.getQueueSize());
                view.put("paused", queue.isPaused());
                stale.put(worker.getName(), view);
            } else {
                view.put("schedule", worker.getSchedule());
                if (worker.getLastSuccess() != null) {
                    view.put("lastSuccess", worker.getLastSuccess().toString());
                }
                view.put("failuresInARow", worker.info().failuresInARow());
                late.put(worker.getName(), view);
            }
        }
        if (!overdue.isEmpty() && up) {
            health.status(overdueStatus);
            if (!overdueStatus.equals(Status.UP)) {
                health.withDetail("reason", describe(late, stale));
            }
        }
        health.withDetail("id", supervisor.getId()).withDetail("state", state);
        if (pool != null) {
            health.withDetail("saturated", pool.saturated());
            Duration latency = pool.lastCheckLatency();
            if (latency != null) { // absent until the first probe, checkInterval after start
                health.withDetail("lastCheckLatency", latency.toString());
            }
            health.withDetail("pool", figures(pool));
        }
        if (!late.isEmpty()) {
            health.withDetail("overdue", late);
        }
        if (!stale.isEmpty()) {
            health.withDetail("staleQueues", stale);
        }
        return health.build();
    }

    private String describe(Map<String, Object> late, Map<String, Object> stale) {
        StringBuilder reason = new StringBuilder();
        if (!late.isEmpty()) {
            reason.append("worker(s) ").append(late.keySet()).append(" had no successful run in ")
                    .append(overdueWorkers.getPeriods()).append(" periods of their schedule");
        }
        if (!stale.isEmpty()) {
            reason.append(reason.isEmpty() ? "" : "; ").append("queue worker(s) ").append(stale.keySet())
                    .append(" held items without running one for over ").append(overdueWorkers.getQueueWait());
        }
        return reason.append(": see their lastError in the supervisor endpoint").toString();
    }

    private static Map<String, Object> figures(PoolInfo pool) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("minSize", pool.minSize());
        figures.put("maxSize", pool.maxSize());
        figures.put("currentSize", pool.currentSize());
        figures.put("active", pool.active());
        figures.put("queued", pool.queued());
        figures.put("waiting", pool.waiting());
        figures.put("completed", pool.completed());
        figures.put("rejected", pool.rejected());
        return figures;
    }
}
