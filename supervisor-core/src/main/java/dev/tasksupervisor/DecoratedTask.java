package dev.tasksupervisor;

/**
 * A task wrapped by the supervisor's task decorator. Keeps the original so a stop that drops queued
 * work can still cancel the future the caller holds, and so that a wrapper that fails, or returns
 * without calling the task, fails the task's future instead of leaving it (and its priority slot)
 * pending forever. A decorator calls the task it wraps on the same thread, as Spring's
 * {@code TaskDecorator} contract says; one that hands it to another thread is treated as not calling it.
 */
record DecoratedTask(PoolTask<?> task, Runnable decorated) implements Runnable {

    @Override
    public void run() {
        try {
            decorated.run();
        } catch (RuntimeException | Error e) {
            if (task.notRun("failed before running it", e)) {
                return; // reported through the task's future; the pool thread lives on
            }
            throw e; // thrown after the task ran: the decorator's own failure
        }
        task.notRun("returned without running it", null);
    }
}
