/** Micrometer meters of the supervisor: its pool with the names Spring Boot uses for executors, workers and aloops. */
package dev.tasksupervisor.autoconfigure.metrics;
