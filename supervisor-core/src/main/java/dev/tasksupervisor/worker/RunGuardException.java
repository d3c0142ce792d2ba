package dev.tasksupervisor.worker;

/**
 * A worker's {@link RunGuard} failed to decide whether a run may go ahead (its store is down, say): the
 * run counts as failed, and the worker's error handler gets this exception, naming the worker and the
 * guard, with the guard's own exception as its cause.
 */
public class RunGuardException extends RuntimeException {

    /**
     * @param message what failed, naming the worker and the guard
     * @param cause what the guard threw
     */
    public RunGuardException(String message, Throwable cause) {
        super(message, cause);
    }
}
