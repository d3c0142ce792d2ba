package dev.tasksupervisor.lock;

import java.util.Objects;
import java.util.Optional;

import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.RunGuard;

/**
 * A {@link RunGuard} that takes a ShedLock lock for each run: among every instance whose
 * {@link LockProvider} shares one store, one run at a time holds it; the others skip theirs. Usable by
 * hand too: {@code worker.setRunGuard(new ShedLockRunGuard(lockProvider, WorkerLock.named("report")))}.
 *
 * <p>Stateless and thread-safe: each run builds its own {@link LockConfiguration}, dated now by ShedLock's
 * clock, and gets its own {@link SimpleLock}, which the worker unlocks once when the run ends. Unlocking
 * keeps the lock until {@code atLeastFor} has passed since it was taken, as ShedLock defines it.
 */
public final class ShedLockRunGuard implements RunGuard {

    private final LockProvider lockProvider;
    private final WorkerLock lock;

    /**
     * @param lockProvider where the lock lives, shared by every instance of the application
     * @param lock the lock's name and how long it is held
     */
    public ShedLockRunGuard(LockProvider lockProvider, WorkerLock lock) {
        this.lockProvider = Objects.requireNonNull(lockProvider, "lockProvider");
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    @Override
    public Optional<Permit> tryAcquire(BackgroundWorker worker) {
        LockConfiguration configuration = new LockConfiguration(ClockProvider.now(), lock.name(), lock.atMostFor(),
                lock.atLeastFor());
        Optional<SimpleLock> taken = lockProvider.lock(configuration);
        return taken.map(simpleLock -> simpleLock::unlock);
    }

    /** The lock this guard takes. */
    public WorkerLock getLock() {
        return lock;
    }

    @Override
    public String describe() {
        return "ShedLock '" + lock.name() + "', held at most " + lock.atMostFor() + ", at least " + lock.atLeastFor();
    }

    @Override
    public String toString() {
        return "ShedLockRunGuard[" + describe() + "]";
    }
}
