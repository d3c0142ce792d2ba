package dev.tasksupervisor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.Scheduler;
import dev.tasksupervisor.worker.WorkerListener;

/**
 * The workers and other schedulers of one {@link TaskSupervisor}, by name, and the worker listeners that
 * hear of them.
 *
 * <p>Thread safety: registrations and listener changes are serialised by {@code lock}; lookups read the
 * concurrent map without it. Listeners are called outside the lock: they are foreign code. The listeners
 * combined are one volatile field, {@code null} while there is none, so that a run pays one read for them.
 */
final class SchedulerRegistry {

    private static final Logger log = LoggerFactory.getLogger(SchedulerRegistry.class);

    private final String supervisorId;
    private final Object lock = new Object();
    private final Map<String, Scheduler> schedulers = new ConcurrentHashMap<>();
    /** Guarded by {@code lock}. */
    private final List<WorkerListener> listeners = new ArrayList<>();
    /** Written under {@code lock}. */
    private volatile WorkerListener combined;
    /**
     * The listeners whose failure has been logged at ERROR; later failures go to DEBUG. Kept here, not in
     * {@link Combined}, so that adding another listener does not log them all at ERROR again.
     */
    private final Set<WorkerListener> failedListeners = ConcurrentHashMap.newKeySet();

    SchedulerRegistry(String supervisorId) {
        this.supervisorId = supervisorId;
    }

    /**
     * Registers {@code scheduler} under its name; again under a new name frees the old one.
     *
     * @throws IllegalArgumentException if another scheduler has that name, or it has none
     */
    void register(Scheduler scheduler) {
        String name = scheduler.getName();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a scheduler needs a name to be registered");
        }
        synchronized (lock) {
            Scheduler existing = schedulers.get(name);
            if (existing == scheduler) {
                return; // already registered under this name: nothing changes
            }
            if (existing != null) {
                throw new IllegalArgumentException("task supervisor '" + supervisorId + "' already has a worker named '"
                        + name + "': give this one another name, or unregister the other first");
            }
            schedulers.values().removeIf(s -> s == scheduler);
            schedulers.put(name, scheduler);
        }
        WorkerListener listener = combined;
        if (listener != null && scheduler instanceof BackgroundWorker worker) {
            listener.registered(worker);
        }
    }

    void unregister(Scheduler scheduler) {
        boolean removed;
        synchronized (lock) {
            removed = schedulers.values().removeIf(s -> s == scheduler);
        }
        WorkerListener listener = combined;
        if (removed && listener != null && scheduler instanceof BackgroundWorker worker) {
            listener.unregistered(worker);
        }
    }

    /** Every scheduler registered now. */
    List<Scheduler> all() {
        return new ArrayList<>(schedulers.values());
    }

    Optional<BackgroundWorker> findWorker(String name) {
        Scheduler s = name == null ? null : schedulers.get(name);
        return s instanceof BackgroundWorker worker ? Optional.of(worker) : Optional.empty();
    }

    /**
     * The worker of this name.
     *
     * @throws IllegalArgumentException if there is none
     */
    BackgroundWorker getWorker(String name) {
        return findWorker(name).orElseThrow(() -> new IllegalArgumentException("task supervisor '" + supervisorId
                + "' has no worker named '" + name + "'; known: " + new TreeSet<>(schedulers.keySet())));
    }

    /** Every registered worker, by name. */
    List<BackgroundWorker> workers() {
        return schedulers.values().stream()
                .filter(BackgroundWorker.class::isInstance)
                .map(BackgroundWorker.class::cast)
                .sorted(Comparator.comparing(BackgroundWorker::getName))
                .toList();
    }

    void addListener(WorkerListener listener) {
        synchronized (lock) {
            listeners.add(listener);
            combined = new Combined(supervisorId, listeners, failedListeners);
        }
    }

    void removeListener(WorkerListener listener) {
        synchronized (lock) {
            if (listeners.remove(listener)) {
                failedListeners.remove(listener);
                combined = listeners.isEmpty() ? null : new Combined(supervisorId, listeners, failedListeners);
            }
        }
    }

    /** The listeners as one, or {@code null} while there is none. */
    WorkerListener listener() {
        return combined;
    }

    /** Several listeners as one; each call is guarded, so a failing listener stops neither the others nor a worker. */
    private static final class Combined implements WorkerListener {

        private final String supervisorId;
        private final WorkerListener[] listeners;
        private final Set<WorkerListener> failed;

        Combined(String supervisorId, List<WorkerListener> listeners, Set<WorkerListener> failed) {
            this.supervisorId = supervisorId;
            this.listeners = listeners.toArray(new WorkerListener[0]);
            this.failed = failed;
        }

        @Override
        public void registered(BackgroundWorker worker) {
            each(worker, listener -> listener.registered(worker));
        }

        @Override
        public void unregistered(BackgroundWorker worker) {
            each(worker, listener -> listener.unregistered(worker));
        }

        private void each(BackgroundWorker worker, Consumer<WorkerListener> call) {
            for (WorkerListener listener : listeners) {
                try {
                    call.accept(listener);
                } catch (RuntimeException | Error e) {
                    failed(listener, worker, e);
                }
            }
        }

        @Override
        public void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
            // A loop of its own rather than each(...): this is on every run's path, so no lambda.
            for (WorkerListener listener : listeners) {
                try {
                    listener.runEnded(worker, durationNanos, failure);
                } catch (RuntimeException | Error e) {
                    failed(listener, worker, e);
                }
            }
        }

        @Override
        public void runSkipped(BackgroundWorker worker, long durationNanos) {
            for (WorkerListener listener : listeners) {
                try {
                    listener.runSkipped(worker, durationNanos);
                } catch (RuntimeException | Error e) {
                    failed(listener, worker, e);
                }
            }
        }

        /**
         * The first failure of a listener at ERROR with its stack trace; the rest, once per run, at DEBUG. An
         * Error too: one listener's must not keep the others, or the run's end, from being told.
         */
        private void failed(WorkerListener listener, BackgroundWorker worker, Throwable e) {
            if (failed.add(listener)) {
                log.error("Task supervisor '{}': worker listener {} failed on worker '{}' (its further failures are "
                        + "logged at DEBUG)", supervisorId, listener, worker.getName(), e);
            } else {
                log.debug("Task supervisor '{}': worker listener {} failed on worker '{}'", supervisorId, listener,
                        worker.getName(), e);
            }
        }
    }
}
