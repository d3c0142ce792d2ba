/** The {@code supervisor} health contributor: UP while the supervisor runs and its pool is not saturated. */
package dev.tasksupervisor.autoconfigure.health;
