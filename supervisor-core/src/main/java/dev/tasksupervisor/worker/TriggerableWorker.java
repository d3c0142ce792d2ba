package dev.tasksupervisor.worker;

/** A worker that can be told to run now: event and interval workers. */
public interface TriggerableWorker {

    /**
     * Runs the target now, or right after the run in progress.
     *
     * @throws IllegalStateException if the worker is not active
     */
    void trigger();
}
