package dev.tasksupervisor.pool;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A spawned task and its future in one object, so a spawn allocates once. Runs at most once; a
 * future cancelled before the task starts skips it. Cancelling does not interrupt a running task.
 *
 * <p>{@code gate} is written before the task is handed to any thread (publication through the
 * executor's queue makes it visible to the runner) and read only by the runner.
 */
final class PoolTask<T> extends CompletableFuture<T> implements Runnable {

    /** A {@code Callable<T>} when {@code returnsValue}, else a {@code Runnable}: one field keeps a spawn at 32 bytes. */
    private final Object work;
    private final boolean returnsValue;
    private PriorityGate gate;

    PoolTask(Callable<T> callable) {
        this.work = callable;
        this.returnsValue = true;
    }

    PoolTask(Runnable runnable) {
        this.work = runnable;
        this.returnsValue = false;
    }

    /** The task behind what an executor runs (the task itself or its decorated form), or null for other work. */
    static PoolTask<?> behind(Runnable runnable) {
        return runnable instanceof DecoratedTask d ? d.task() : runnable instanceof PoolTask<?> t ? t : null;
    }

    /** Makes the task give its priority slot back when it ends. */
    void admittedBy(PriorityGate gate) {
        this.gate = gate;
    }

    @Override
    public void run() {
        try {
            if (!isDone()) {
                try {
                    if (returnsValue) {
                        @SuppressWarnings("unchecked")
                        Callable<T> callable = (Callable<T>) work;
                        complete(callable.call());
                    } else {
                        ((Runnable) work).run();
                        complete(null);
                    }
                } catch (Throwable t) {
                    completeExceptionally(t);
                }
            }
        } finally {
            if (gate != null) {
                gate.release();
            }
        }
    }
}
