package dev.tasksupervisor.worker;

import java.time.Duration;

import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.lifecycle.Stoppable;

/**
 * Anything the supervisor stops when it stops: every worker, and schedulers of your own registered with
 * {@link WorkerHost#registerScheduler}. The supervisor's stop asks every scheduler to stop
 * ({@link #requestStop()}), waits for each until its deadline ({@link #awaitStop}), and forces those
 * still running ({@link #forceStop()}). A scheduler of your own needs only a name and
 * {@code requestStop}; the defaults wait for nothing and force nothing.
 */
public interface Scheduler extends Stoppable {

    /** The name it is registered and looked up under. */
    String getName();

    /** Waits for nothing: a scheduler that stops at once. */
    @Override
    default boolean awaitStop(Duration timeout) throws InterruptedException {
        return true;
    }

    /** Forces nothing: a scheduler with nothing to interrupt or hand back. */
    @Override
    default StopReport forceStop() {
        requestStop();
        return StopReport.builder().build(Duration.ZERO);
    }
}
