/**
 * The task supervisor: {@link dev.tasksupervisor.TaskSupervisor}, the facade applications use, with its value
 * types ({@link dev.tasksupervisor.StopOptions}, {@link dev.tasksupervisor.SupervisorInfo},
 * {@link dev.tasksupervisor.SupervisorState}). The engine behind it is package-private and lives here too: the
 * pool (its executor, scaling queue, priority gate, health check), the aloop implementation, the registries of
 * aloops and schedulers, and the stop sequence. Nothing below this package depends on it.
 */
package dev.tasksupervisor;
