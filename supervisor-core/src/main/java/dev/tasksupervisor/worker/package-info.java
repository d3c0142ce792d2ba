/**
 * Background workers: the kinds ({@link dev.tasksupervisor.worker.ContinuousWorker},
 * {@link dev.tasksupervisor.worker.IntervalWorker}, {@link dev.tasksupervisor.worker.QueueWorker},
 * {@link dev.tasksupervisor.worker.EventWorker}) over one life cycle, what a target gets and returns, and
 * what a worker needs of its supervisor ({@link dev.tasksupervisor.worker.WorkerHost},
 * {@link dev.tasksupervisor.worker.SchedulerHandle}), so that this package does not depend on the supervisor.
 */
package dev.tasksupervisor.worker;
