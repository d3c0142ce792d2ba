/**
 * The one stop vocabulary of the supervisor, its aloops and its workers: {@link
 * dev.tasksupervisor.lifecycle.Stoppable} (ask, let finish, force, report), the {@link
 * dev.tasksupervisor.lifecycle.StopReport} every stop returns, and the {@link dev.tasksupervisor.lifecycle.Deadline}
 * its waits share.
 */
package dev.tasksupervisor.lifecycle;
