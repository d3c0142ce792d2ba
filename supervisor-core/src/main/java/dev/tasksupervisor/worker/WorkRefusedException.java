package dev.tasksupervisor.worker;

/**
 * A worker refused an item or a trigger, and nothing was queued or triggered: the common type of
 * {@link QueueFullException} (try again later) and {@link WorkerNotActiveException} (the worker is not
 * running), for a caller that treats both alike.
 */
public abstract class WorkRefusedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String workerName;

    /** {@code workerName} refused; {@code message} says why and what to do. */
    protected WorkRefusedException(String workerName, String message) {
        super(message);
        this.workerName = workerName;
    }

    /** The worker that refused. */
    public String getWorkerName() {
        return workerName;
    }
}
