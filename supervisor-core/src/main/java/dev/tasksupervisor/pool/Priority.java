package dev.tasksupervisor.pool;

/**
 * How urgently a spawned task needs a pool thread, once priority limits are switched on.
 *
 * <p>With {@code poolSize} &gt; 0 (see {@link PoolSettings}), at most
 * {@code poolSize} tasks run at once when the newest is {@link #LOW}; {@link #NORMAL} tasks may use
 * {@code reserveNormal} more slots, {@link #HIGH} tasks {@code reserveHigh} more again, and
 * {@link #CRITICAL} tasks always start at once, on an extra thread if the pool is full. A task
 * that may not start yet waits, ahead of every waiting task of lower priority. With
 * {@code poolSize} = 0 priorities are ignored and every task goes straight to the pool.
 */
public enum Priority {
    /** Background work: uses only the first {@code poolSize} slots. */
    LOW,
    /** The default: may also use the {@code reserveNormal} slots. */
    NORMAL,
    /** May also use the {@code reserveHigh} slots. */
    HIGH,
    /** Always starts at once, beyond the pool's maximum if need be. */
    CRITICAL
}
