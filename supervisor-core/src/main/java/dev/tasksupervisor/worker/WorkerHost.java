package dev.tasksupervisor.worker;

import java.time.Duration;

/**
 * What a worker runs in: its {@code TaskSupervisor}, as the worker classes see it. Pass the supervisor
 * to a worker's constructor; the worker registers with it when it starts and runs on its pool and aloops.
 */
public interface WorkerHost {

    /** The supervisor's id, for messages. */
    String getId();

    /** The supervisor's poll delay, which workers follow unless they have their own. */
    Duration getPollDelay();

    /**
     * Registers a scheduler under its name, so the supervisor stops it when it stops (neotasker's
     * {@code register_scheduler}). Registering the same object again, under its name or a new one, is
     * fine; its old name is then free.
     *
     * @return what the scheduler runs with while it is registered: the supervisor's pool, own loop, aloops
     *     and listeners
     * @throws IllegalArgumentException if another scheduler has that name
     * @throws IllegalStateException once the supervisor is stopping
     */
    SchedulerHandle registerScheduler(Scheduler scheduler);

    /** Forgets a scheduler: the supervisor will not stop it. Does not stop it; a no-op if not registered. */
    void unregisterScheduler(Scheduler scheduler);
}
