package dev.tasksupervisor.worker;

/** Decides what a worker does about a failed run. The default logs it at ERROR and goes on. */
@FunctionalInterface
public interface WorkerErrorHandler {

    /**
     * Logs the failure at ERROR with the worker's name and goes on. The same failure again (same exception
     * type from the same place) within a minute is counted, and logged as one line with the count by the
     * first such failure after the minute, or when the worker stops: a worker that fails on every run does
     * not flood the log.
     */
    WorkerErrorHandler LOG_AND_CONTINUE = new WorkerErrorHandler() {
        @Override
        public void handle(BackgroundWorker worker, Throwable error) {
            worker.failureLog().failed(worker, null, error);
        }

        @Override
        public void handle(BackgroundWorker worker, Object input, Throwable error) {
            worker.failureLog().failed(worker, input, error);
        }
    };

    /**
     * Called on the thread that ran the target, after the failure was counted. Throwing from here is
     * logged and otherwise ignored; to stop the worker, call {@code worker.requestStop()}.
     */
    void handle(BackgroundWorker worker, Throwable error);

    /**
     * As {@link #handle(BackgroundWorker, Throwable)}, with what the run was for: the queue item, or the
     * batch (a {@code List}) of a batch queue worker; {@code null} for a worker whose runs take no input.
     * This is the method the worker calls; by default it leaves the input out and calls the other.
     */
    default void handle(BackgroundWorker worker, Object input, Throwable error) {
        handle(worker, error);
    }
}
