package dev.tasksupervisor.lock;

import dev.tasksupervisor.worker.RunGuard;

/**
 * Makes the {@link RunGuard} through which a worker takes its {@link WorkerLock} before each run. The
 * auto-configuration provides one backed by the application's ShedLock {@code LockProvider} bean when
 * ShedLock is on the class path; an application may define its own bean of this type to lock otherwise.
 */
@FunctionalInterface
public interface WorkerLockGuards {

    /**
     * The guard for one worker's lock, made once at start-up.
     *
     * @param worker the worker's name, for messages
     * @param lock the lock it takes before each run
     * @throws RuntimeException if the lock cannot be taken at all (no {@code LockProvider} bean, say),
     *     naming the worker and the fix: start-up then fails with it
     */
    RunGuard guardFor(String worker, WorkerLock lock);
}
