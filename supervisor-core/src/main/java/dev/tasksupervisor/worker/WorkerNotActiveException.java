package dev.tasksupervisor.worker;

/**
 * A worker refused an item or a trigger because it is not active: not started yet, stopping or stopped
 * (an HTTP service would answer 503). Nothing was queued or triggered.
 */
public class WorkerNotActiveException extends WorkRefusedException {

    private static final long serialVersionUID = 1L;

    private final WorkerState state;

    /** {@code workerName}, in {@code state}, refused work; {@code message} says why and what to do. */
    public WorkerNotActiveException(String workerName, WorkerState state, String message) {
        super(workerName, message);
        this.state = state;
    }

    /** Its state when it refused. */
    public WorkerState getState() {
        return state;
    }
}
