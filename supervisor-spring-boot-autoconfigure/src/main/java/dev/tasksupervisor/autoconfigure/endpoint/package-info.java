/**
 * The {@code supervisor} actuator endpoint: reads of the supervisor, its pool, aloops and workers, and, when
 * its access allows, resizing the pool and starting, stopping, restarting, triggering, pausing or resuming a
 * worker.
 */
package dev.tasksupervisor.autoconfigure.endpoint;
