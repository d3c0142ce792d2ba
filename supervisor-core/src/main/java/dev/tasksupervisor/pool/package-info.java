/**
 * The pool's public face: its {@link dev.tasksupervisor.pool.PoolSettings} (sizes, priority limits, health
 * check), a {@link dev.tasksupervisor.pool.PoolInfo} snapshot of its figures, and the {@link
 * dev.tasksupervisor.pool.Priority} of a spawned task. The pool itself belongs to its {@code TaskSupervisor}.
 */
package dev.tasksupervisor.pool;
