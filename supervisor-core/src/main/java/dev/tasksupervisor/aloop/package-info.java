/**
 * Aloops: named event loops, each on a thread of its own, for asynchronous work that must not block. The
 * {@link dev.tasksupervisor.aloop.Aloop} interface is what applications and async workers use; the loops
 * themselves are made and stopped by their {@code TaskSupervisor}.
 */
package dev.tasksupervisor.aloop;
