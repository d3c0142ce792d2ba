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

    private final Callable<T> callable;
    private final Runnable runnable;
    private PriorityGate gate;

    PoolTask(Callable<T> callable) {
        this.callable = callable;
        this.runnable = null;
    }

    PoolTask(Runnable runnable) {
        this.callable = null;
        this.runnable = runnable;
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
                    if (callable != null) {
                        complete(callable.call());
                    } else {
                        runnable.run();
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
