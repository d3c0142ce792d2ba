package dev.tasksupervisor;

/**
 * The life of a {@link TaskSupervisor}: {@code NEW → ACTIVE → STOPPING → STOPPED}, or
 * {@code NEW → STOPPED} for one that is stopped before it ever started. A stopped supervisor
 * stays stopped: create a new one to start again.
 */
public enum SupervisorState {
    /** Created and configurable; spawning is an {@link IllegalStateException}. */
    NEW,
    /** Started: tasks, aloops and workers run. */
    ACTIVE,
    /** {@code stop} is under way: new tasks are rejected, accepted ones finish or are cancelled. */
    STOPPING,
    /** Stopped for good. */
    STOPPED;

    /** Whether a supervisor in this state may move to {@code next}: the only legal transitions. */
    public boolean canMoveTo(SupervisorState next) {
        return switch (this) {
            case NEW -> next == ACTIVE || next == STOPPED;
            case ACTIVE -> next == STOPPING;
            case STOPPING -> next == STOPPED;
            case STOPPED -> false;
        };
    }
}
