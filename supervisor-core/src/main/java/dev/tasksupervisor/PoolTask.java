package dev.tasksupervisor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A spawned task and its future in one object, so a spawn allocates once. Runs at most once; a
 * future cancelled before the task starts skips it. Cancelling does not interrupt a running task.
 *
 * <p>{@code gate} is written before the task is handed to any thread (publication through the
 * executor's queue makes it visible to the runner). {@code started} is claimed once, by CAS, by whoever
 * settles the task: its runner, or {@link #notRun} after a decorator that did not run it; only the
 * claimer gives the priority slot back, so a decorator that handed the task to another thread cannot
 * make it give the slot back twice.
 */
final class PoolTask<T> extends CompletableFuture<T> implements Runnable {

    private static final VarHandle STARTED;

    static {
        try {
            STARTED = MethodHandles.lookup().findVarHandle(PoolTask.class, "started", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A {@code Callable<T>} when {@code returnsValue}, else a {@code Runnable}: one field keeps a spawn at 32 bytes. */
    private final Object work;
    private final boolean returnsValue;
    private PriorityGate gate;
    /** Claimed once, by the runner or by {@link #notRun}; see the class comment. */
    private volatile boolean started;

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
        if (!STARTED.compareAndSet(this, false, true)) {
            return false;
        }
        completeExceptionally(new IllegalStateException("the task decorator " + what
                + ", so the task did not run; fix the TaskDecorator (it must call the task it wraps)", cause));
        if (gate != null) {
            gate.release();
        }
        return true;
    }

    @Override
    public void run() {
        if (!STARTED.compareAndSet(this, false, true)) {
            return; // settled by notRun: its future failed and its slot is back
        }
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
