package dev.tasksupervisor.worker;

/**
 * A bounded queue worker refused an item because its queue is full: back-pressure, worth retrying later
 * (an HTTP service would answer 429). Nothing was queued.
 */
public class QueueFullException extends WorkRefusedException {

    private static final long serialVersionUID = 1L;

    private final int capacity;

    /** The queue of {@code workerName}, bounded to {@code capacity}, refused an item; {@code message} says why. */
    public QueueFullException(String workerName, int capacity, String message) {
        super(workerName, message);
        this.capacity = capacity;
    }

    /** The queue's capacity. */
    public int getCapacity() {
        return capacity;
    }
}
