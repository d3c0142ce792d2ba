package dev.tasksupervisor.worker;

/**
 * Receives the items a queue worker gave up on ({@link DeadLetter}): to store them, alert, or put them
 * into another worker. Called on the thread of the run that failed last. A handler that throws does not
 * lose the item: the worker logs the handler's failure and keeps the letter, as it does without a handler.
 *
 * @param <T> the worker's item type
 */
@FunctionalInterface
public interface DeadLetterHandler<T> {

    /** Takes the item over; from now on it is the handler's. */
    void handle(DeadLetter<T> letter) throws Exception;
}
