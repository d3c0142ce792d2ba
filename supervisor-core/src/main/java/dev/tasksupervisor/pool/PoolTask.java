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
    /** Set by the runner when it begins; read by the same thread afterwards (see {@link #notRun}). */
    private boolean started;

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

    /**
     * Called on the pool thread after a decorator's wrapper returned or threw: if the task never began,
     * fails its future with the reason and gives its priority slot back.
     *
     * @return whether the task had not run (and now has an outcome)
     */
    boolean notRun(String what, Throwable cause) {
        if (started) {
            return false;
        }
        started = true;
        completeExceptionally(new IllegalStateException("the task decorator " + what
                + ", so the task did not run; fix the TaskDecorator (it must call the task it wraps)", cause));
        if (gate != null) {
            gate.release();
        }
        return true;
    }

    @Override
    public void run() {
        started = true;
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
