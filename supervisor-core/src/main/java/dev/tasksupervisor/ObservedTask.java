package dev.tasksupervisor;

import java.util.Objects;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.worker.RunObserver;

/**
 * A spawned task told to the supervisor's {@link RunObserver}: made by a spawn only while the supervisor has
 * one, and run inside the pool task (so inside the task decorator's context, and never for a task cancelled
 * before it started). An observer that throws is logged, and the task runs as if none were set.
 */
final class ObservedTask<T> implements Runnable, Callable<T> {

    private static final Logger log = LoggerFactory.getLogger(RunObserver.class);

    private final RunObserver observer;
    private final Priority priority;
    /** A {@code Callable<T>} or a {@code Runnable}, as spawned. */
    private final Object task;

    private ObservedTask(RunObserver observer, Priority priority, Object task) {
        this.observer = observer;
        this.priority = Objects.requireNonNull(priority, "priority");
        this.task = Objects.requireNonNull(task, "task");
    }

    static ObservedTask<Void> of(RunObserver observer, Priority priority, Runnable task) {
        return new ObservedTask<>(observer, priority, task);
    }

    static <T> ObservedTask<T> of(RunObserver observer, Priority priority, Callable<T> task) {
        return new ObservedTask<>(observer, priority, task);
    }

    @Override
    public void run() {
        RunObserver.Run run = start();
        try {
            ((Runnable) task).run();
        } catch (RuntimeException | Error e) {
            end(run, e);
            throw e;
        }
        end(run, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T call() throws Exception {
        RunObserver.Run run = start();
        T result;
        try {
            result = ((Callable<T>) task).call();
        } catch (Exception | Error e) {
            end(run, e);
            throw e;
        }
        end(run, null);
        return result;
    }

    private RunObserver.Run start() {
        try {
            return observer.taskStarted(priority);
        } catch (RuntimeException | Error e) {
            log.error("The run observer failed as a spawned task began; the task runs unobserved", e);
            return null;
        }
    }

    private static void end(RunObserver.Run run, Throwable failure) {
        if (run == null) {
            return;
        }
        try {
            run.end(failure);
        } catch (RuntimeException | Error e) {
            log.error("The run observer failed as a spawned task ended", e);
        }
    }
}
