package dev.tasksupervisor.worker;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;

import dev.tasksupervisor.aloop.Aloop;

/**
 * What a registered scheduler runs with: its supervisor's pool, own loop, aloops, task decorator, worker
 * listeners and run observer. Given by {@link WorkerHost#registerScheduler}; the workers use it for every run.
 */
public interface SchedulerHandle {

    /**
     * Refuses to go on unless the supervisor is active.
     *
     * @param action what cannot happen, e.g. {@code "worker 'tick' cannot start"}
     * @throws IllegalStateException saying so, with the supervisor's state and what to do
     */
    void requireActive(String action);

    /**
     * Runs a scheduler's work on the pool. Unlike a spawned task it is accepted while the supervisor stops
     * its schedulers, so they can finish their work; it is refused once the pool itself shuts down.
     *
     * @param decorate apply the task decorator; {@code false} for work that applied it itself
     * @throws RejectedExecutionException once the pool is shutting down
     * @throws IllegalStateException if the pool refused the work for another reason (a replaced executor
     *     that is full), with the refusal as its cause; an {@code Error} (no thread could be made) passes
     */
    CompletableFuture<Void> execute(Runnable work, boolean decorate);

    /** The supervisor's own loop: for timers, whose tasks must be short and never block. */
    Aloop timerLoop();

    /** The aloop of this name, if the supervisor has one. */
    Optional<Aloop> findAloop(String name);

    /** The supervisor's default aloop, if one is set. */
    Optional<Aloop> defaultAloop();

    /** The supervisor's task decorator, or {@code null}: for runs captured in the context of their caller. */
    UnaryOperator<Runnable> taskDecorator();

    /**
     * The supervisor's worker listeners as one, or {@code null} while there is none: one volatile read
     * on every run's path.
     */
    WorkerListener listener();

    /**
     * The supervisor's run observer, or {@code null} while it has none (the default): one volatile read on
     * every run's path.
     */
    default RunObserver runObserver() {
        return null;
    }
}
