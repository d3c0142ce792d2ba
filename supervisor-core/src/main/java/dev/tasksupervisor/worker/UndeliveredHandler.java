package dev.tasksupervisor.worker;

import java.util.List;

/**
 * Receives the items a queue worker's stop could not handle in time: to store them for the next start, or
 * put them elsewhere. The bean type of the Spring Boot starter, where one handler may serve several workers
 * and so is told which worker hands them back; in code, {@link QueueWorker#setUndeliveredHandler} takes
 * the items alone. Called on the stopping thread; what it throws is logged.
 *
 * @param <T> the worker's item type
 */
@FunctionalInterface
public interface UndeliveredHandler<T> {

    /** Takes the items over, in queue order; from now on they are the handler's. */
    void handle(String worker, List<T> items);
}
