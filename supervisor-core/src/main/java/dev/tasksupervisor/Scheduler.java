package dev.tasksupervisor;

import java.time.Duration;

/**
 * Anything the supervisor stops when it stops: every worker, and schedulers of your own registered
 * with {@link TaskSupervisor#registerScheduler}. The supervisor first asks every scheduler to stop
 * ({@link #stop(boolean) stop(false)}), then waits for each within its own stop timeout, and finally
 * {@link #forceStop() forces} those still running.
 */
public interface Scheduler {

    /** The name it is registered and looked up under. */
    String getName();

    /** Stops it; with {@code wait}, returns once it has stopped. */
    void stop(boolean wait);

    /**
     * Waits until a stop begun earlier has finished.
     *
     * @return whether it finished within {@code timeout}
     */
    default boolean awaitStop(Duration timeout) throws InterruptedException {
        return true;
    }

    /** Ends a stop that did not finish in time: interrupt or cancel what still runs. */
    default void forceStop() {
    }
}
