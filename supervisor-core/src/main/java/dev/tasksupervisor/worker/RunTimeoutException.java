package dev.tasksupervisor.worker;

import java.time.Duration;

/**
 * A worker's run went on past its run timeout ({@link BackgroundWorker#setRunTimeout}): its thread was
 * interrupted (or its async stage cancelled), and the run counts as failed, whatever the target did then.
 * The cause, if any, is what the target threw once interrupted. A queue worker's retry policy retries it
 * like any other failure.
 */
public class RunTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String workerName;
    private final Duration timeout;

    /** The run of {@code workerName} went past {@code timeout}; {@code cause} is what the target threw then, or null. */
    public RunTimeoutException(String workerName, Duration timeout, Throwable cause) {
        super("the run of worker '" + workerName + "' went on past its run timeout of " + timeout + " and was "
                + "interrupted" + (cause == null ? "" : "; it ended with " + cause), cause);
        this.workerName = workerName;
        this.timeout = timeout;
    }

    /** The worker whose run timed out. */
    public String getWorkerName() {
        return workerName;
    }

    /** Its run timeout. */
    public Duration getTimeout() {
        return timeout;
    }
}
