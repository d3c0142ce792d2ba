package dev.tasksupervisor.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decides what a worker does about a failed run. The default logs it at ERROR and goes on. */
@FunctionalInterface
public interface WorkerErrorHandler {

    /** Logs the failure with the worker's name; the worker goes on. */
    WorkerErrorHandler LOG_AND_CONTINUE = new WorkerErrorHandler() {
        private final Logger log = LoggerFactory.getLogger(BackgroundWorker.class);

        @Override
        public void handle(BackgroundWorker worker, Throwable error) {
            log.error("Worker '{}' failed: {}", worker.getName(), error.toString(), error);
        }
    };

    /**
     * Called on the thread that ran the target, after the failure was counted. Throwing from here is
     * logged and otherwise ignored; to stop the worker, call {@code worker.requestStop()}.
     */
    void handle(BackgroundWorker worker, Throwable error);
}
