package dev.tasksupervisor.worker;

/**
 * What a worker does about failed runs: its error handler, its failure backoff, its run timeout and (for a
 * queue worker) its retry policy. Kept together in one immutable object, shared by every worker that keeps
 * the defaults, so that an idle worker pays one reference for them, not four; a setter replaces the whole.
 *
 * @param handler hears of every failed run
 * @param backoff how long a failing worker waits before its next run
 * @param timeout the watch over runs for the run timeout; null for none
 * @param retry how a queue worker retries a failed item
 */
record OnFailure(WorkerErrorHandler handler, FailureBackoff backoff, RunTimeout timeout, RetryPolicy retry) {

    static final OnFailure DEFAULTS = new OnFailure(WorkerErrorHandler.LOG_AND_CONTINUE, FailureBackoff.defaults(), null,
            RetryPolicy.none());

    OnFailure withHandler(WorkerErrorHandler value) {
        return new OnFailure(value, backoff, timeout, retry);
    }

    OnFailure withBackoff(FailureBackoff value) {
        return new OnFailure(handler, value, timeout, retry);
    }

    OnFailure withTimeout(RunTimeout value) {
        return new OnFailure(handler, backoff, value, retry);
    }

    OnFailure withRetry(RetryPolicy value) {
        return new OnFailure(handler, backoff, timeout, value);
    }
}
