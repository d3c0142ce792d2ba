package dev.tasksupervisor.worker;

/**
 * The life of a worker: {@code NEW → ACTIVE → STOPPING → STOPPED}, and {@code STOPPED → ACTIVE} when it
 * is started again ({@code restart}). While {@code STOPPING} the current run finishes and a queue
 * worker drains its queue; nothing new is accepted.
 */
public enum WorkerState {
    /** Created, never started. */
    NEW,
    /** Running its target as its kind says. */
    ACTIVE,
    /** Finishing the current run (and the queue); refusing new items and triggers. */
    STOPPING,
    /** Not running; may be started again. */
    STOPPED;

    /** Whether a worker in this state may move to {@code next}: the only legal transitions. */
    public boolean canMoveTo(WorkerState next) {
        return switch (this) {
            case NEW, STOPPED -> next == ACTIVE;
            case ACTIVE -> next == STOPPING;
            case STOPPING -> next == STOPPED;
        };
    }
}
