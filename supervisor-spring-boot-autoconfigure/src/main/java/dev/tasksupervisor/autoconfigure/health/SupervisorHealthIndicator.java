package dev.tasksupervisor.autoconfigure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolInfo;

/**
 * The {@code supervisor} health contributor: UP while the task supervisor is active and its pool's health
 * check passes; DOWN when it is not active (stopping, stopped), its pool is saturated, or the system refused
 * the threads of the pool's last resize (until the next resize). The details give
 * the pool's figures and the last check's latency. Reads {@link TaskSupervisor#poolInfo()}, which resets
 * nothing and does not walk the workers.
 */
public class SupervisorHealthIndicator implements HealthIndicator {

    private final TaskSupervisor supervisor;

    /** A health indicator for {@code supervisor}. */
    public SupervisorHealthIndicator(TaskSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public Health health() {
        // The state read once: a stop racing this check must not give UP beside a state of STOPPING.
        SupervisorState state = supervisor.getState();
        PoolInfo pool = supervisor.poolInfo();
        Health.Builder health;
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
        return health.build();
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
