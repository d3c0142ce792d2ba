/**
 * Micrometer Observation of the supervisor's work: an observation per worker run ({@code supervisor.worker.run})
 * and per spawned task ({@code supervisor.task}), their contexts, and the conventions that name them and their
 * keys, to replace or extend as Spring's own observation conventions are.
 */
package dev.tasksupervisor.observation;
