package dev.tasksupervisor.pool;

import java.time.Duration;

/**
 * A point-in-time view of a supervisor's thread pool. Figures a replaced pool cannot tell (one that
 * is not a {@code ThreadPoolExecutor}) are -1.
 *
 * @param minSize threads kept when idle
 * @param maxSize the most threads that run at once
 * @param currentSize threads alive now
 * @param active threads running a task now
 * @param largest the most threads ever alive at once
 * @param queued tasks waiting for a thread
 * @param waiting tasks held back by priority limits
 * @param completed tasks finished so far
 * @param rejected tasks refused because the pool was stopped
 * @param saturated whether the last health probe failed to start in time
 * @param lastCheckLatency how long the last health probe waited for a thread, or {@code null} before
 *     the first one started
 * @param poolSize the priority limit for {@code LOW} tasks; 0 when priorities are off
 * @param reserveNormal extra slots for {@code NORMAL} tasks
 * @param reserveHigh extra slots for {@code HIGH} tasks
 * @param virtualThreads whether tasks run on virtual threads
 * @param growthFailure why the threads of the last resize could not all start (the system refused one, and
 *     the sizes went back to those before), until the sizes change again; {@code null} when nothing failed
 */
public record PoolInfo(
        int minSize,
        int maxSize,
        int currentSize,
        int active,
        int largest,
        int queued,
        int waiting,
        long completed,
        long rejected,
        boolean saturated,
        Duration lastCheckLatency,
        int poolSize,
        int reserveNormal,
        int reserveHigh,
        boolean virtualThreads,
        String growthFailure) {
}
