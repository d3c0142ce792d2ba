package dev.tasksupervisor;

import java.time.Duration;
import java.util.Objects;

import dev.tasksupervisor.config.InvalidSettingException;

/**
 * How a {@link TaskSupervisor} stops: neotasker's {@code stop(wait, stop_schedulers, cancel_tasks)} as an
 * immutable value. {@link #defaults()} waits as long as the work takes, stops every registered worker
 * first, and cancels nothing.
 *
 * <pre>{@code
 * supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(30)).withCancelTasks(true));
 * }</pre>
 *
 * @param timeout how long the stop waits for workers, tasks and aloops before it forces what is left;
 *     {@code null} for as long as it takes
 * @param stopSchedulers whether to stop every registered worker and scheduler first
 * @param cancelTasks whether to cancel work pending on aloops at once instead of letting it finish
 */
public record StopOptions(Duration timeout, boolean stopSchedulers, boolean cancelTasks) {

    private static final StopOptions DEFAULTS = new StopOptions(null, true, false);

    /**
     * Refuses a negative timeout.
     *
     * @throws InvalidSettingException if {@code timeout} is negative
     */
    public StopOptions {
        if (timeout != null && timeout.isNegative()) {
            throw InvalidSettingException.notNegative(null, "stop timeout", timeout, "set it to 0 or a positive duration");
        }
    }

    /** Waits as long as it takes, stops the schedulers, cancels nothing: what {@code stop()} does. */
    public static StopOptions defaults() {
        return DEFAULTS;
    }

    /** The same, waiting at most {@code timeout} before forcing what is left. */
    public StopOptions withTimeout(Duration timeout) {
        return new StopOptions(Objects.requireNonNull(timeout, "timeout"), stopSchedulers, cancelTasks);
    }

    /** The same, stopping the registered workers and schedulers first or leaving them running. */
    public StopOptions withStopSchedulers(boolean stopSchedulers) {
        return new StopOptions(timeout, stopSchedulers, cancelTasks);
    }

    /** The same, cancelling work pending on aloops at once, or letting it finish. */
    public StopOptions withCancelTasks(boolean cancelTasks) {
        return new StopOptions(timeout, stopSchedulers, cancelTasks);
    }
}
