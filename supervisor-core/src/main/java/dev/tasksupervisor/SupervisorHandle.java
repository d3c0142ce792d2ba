package dev.tasksupervisor;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.worker.RunObserver;
import dev.tasksupervisor.worker.SchedulerHandle;
import dev.tasksupervisor.worker.WorkerListener;

/**
 * The {@link SchedulerHandle} a {@link TaskSupervisor} gives its registered schedulers: its pool, own loop,
 * aloops, decorator, listeners and run observer, without making any of them public on the supervisor. One per
 * supervisor, shared by its schedulers.
 */
final class SupervisorHandle implements SchedulerHandle {

    private final TaskSupervisor supervisor;
    private final AloopRegistry aloops;
    private final SchedulerRegistry schedulers;

    SupervisorHandle(TaskSupervisor supervisor, AloopRegistry aloops, SchedulerRegistry schedulers) {
        this.supervisor = supervisor;
        this.aloops = aloops;
        this.schedulers = schedulers;
    }

    @Override
    public void requireActive(String action) {
        SupervisorState state = supervisor.getState();
        if (state != SupervisorState.ACTIVE) {
            throw new IllegalStateException(action + ": task supervisor '" + supervisor.getId() + "' is " + state
                    + "; start the supervisor first");
        }
    }

    @Override
    public CompletableFuture<Void> execute(Runnable work, boolean decorate) {
        TaskPool pool = supervisor.pool();
        try {
            return pool.submit(Priority.NORMAL, work, decorate);
        } catch (RejectedExecutionException e) {
            if (pool.isShutdown()) {
                throw e;
            }
            // Not a stop: a replaced executor that is full. The scheduler treats it as a failed run, not its end.
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public Aloop timerLoop() {
        return supervisor.ownLoop();
    }

    @Override
    public Optional<Aloop> findAloop(String name) {
        return aloops.find(name);
    }

    @Override
    public Optional<Aloop> defaultAloop() {
        return aloops.defaultAloop();
    }

    @Override
    public UnaryOperator<Runnable> taskDecorator() {
        return supervisor.taskDecorator();
    }

    @Override
    public WorkerListener listener() {
        return schedulers.listener();
    }

    @Override
    public RunObserver runObserver() {
        return supervisor.runObserver();
    }
}
