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
    WorkerErrorHandler LOG_AND_CONTINUE = (worker, error) -> worker.failureLog().failed(worker, error);

    /**
     * Called on the thread that ran the target, after the failure was counted. Throwing from here is
     * logged and otherwise ignored; to stop the worker, call {@code worker.requestStop()}.
     */
    void handle(BackgroundWorker worker, Throwable error);
}
