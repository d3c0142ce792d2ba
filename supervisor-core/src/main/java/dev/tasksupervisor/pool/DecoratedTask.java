package dev.tasksupervisor.pool;

/**
 * A task wrapped by the supervisor's task decorator. Keeps the original so a stop that drops queued
 * work can still cancel the future the caller holds.
 */
record DecoratedTask(PoolTask<?> task, Runnable decorated) implements Runnable {

    @Override
    public void run() {
        decorated.run();
    }
}
