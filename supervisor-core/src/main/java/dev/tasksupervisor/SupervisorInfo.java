package dev.tasksupervisor;

import java.time.Duration;
import java.util.List;

import dev.tasksupervisor.aloop.AloopInfo;
import dev.tasksupervisor.pool.PoolInfo;
import dev.tasksupervisor.worker.WorkerInfo;

/**
 * A point-in-time, immutable view of a {@link TaskSupervisor}: what the actuator endpoint and health
 * contributor show. Taking it resets no statistic.
 *
 * @param id the supervisor's id
 * @param state its life-cycle state
 * @param pollDelay its poll delay
 * @param pool the thread pool's figures, or {@code null} while the supervisor has no pool (before
 *     start)
 * @param aloops every aloop, by name
 * @param workers every registered worker, by name
 */
public record SupervisorInfo(
        String id,
        SupervisorState state,
        Duration pollDelay,
        PoolInfo pool,
        List<AloopInfo> aloops,
        List<WorkerInfo> workers) {

    /** Copies the lists, so the snapshot cannot change. */
    public SupervisorInfo {
        aloops = List.copyOf(aloops);
        workers = List.copyOf(workers);
    }

    /** Whether it is started and not stopping: {@code ACTIVE}. */
    public boolean active() {
        return state == SupervisorState.ACTIVE;
    }
}
