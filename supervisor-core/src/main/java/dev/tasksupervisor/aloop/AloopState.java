package dev.tasksupervisor.aloop;

/**
 * The life of an {@link Aloop}: {@code NEW → ACTIVE → STOPPING → STOPPED}, or {@code NEW → STOPPED}
 * for a loop stopped before it started. While {@code STOPPING} the loop finishes (or cancels) the
 * work it already has and accepts no new async functions; it is {@code STOPPED} once its thread
 * has ended.
 */
public enum AloopState {
    /** Created, thread not started; work is refused. */
    NEW,
    /** The loop thread runs and accepts work. */
    ACTIVE,
    /** Finishing or cancelling pending work; new async functions are refused. */
    STOPPING,
    /** The loop thread has ended. */
    STOPPED;

    /** Whether a loop in this state may move to {@code next}: the only legal transitions. */
    public boolean canMoveTo(AloopState next) {
        return switch (this) {
            case NEW -> next == ACTIVE || next == STOPPED;
            case ACTIVE -> next == STOPPING;
            case STOPPING -> next == STOPPED;
            case STOPPED -> false;
        };
    }
}
