/** A Micrometer Observation per worker run and per spawned task, when the application has an ObservationRegistry. */
package dev.tasksupervisor.autoconfigure.observation;
