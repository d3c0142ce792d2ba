package dev.tasksupervisor.observation;

import java.util.Objects;

import io.micrometer.observation.Observation;

import dev.tasksupervisor.pool.Priority;

/**
 * What the {@code supervisor.task} observation of one spawned task knows: its priority, and how it came out.
 * The outcome is set by the time the observation stops.
 */
public class TaskObservationContext extends Observation.Context {

    private final Priority priority;
    /** Written by the pool thread that ran the task, read by the handlers it then calls. */
    private volatile RunOutcome outcome = RunOutcome.UNKNOWN;

    /** The context of a task spawned with {@code priority}, beginning now. */
    public TaskObservationContext(Priority priority) {
        this.priority = Objects.requireNonNull(priority, "priority");
    }

    /** The priority the task was spawned with ({@link Priority#NORMAL} unless one was given). */
    public Priority getPriority() {
        return priority;
    }

    /** How the task came out; {@link RunOutcome#UNKNOWN} while it runs. */
    public RunOutcome getOutcome() {
        return outcome;
    }

    /** Sets how the task came out: the supervisor's observer does, before it stops the observation. */
    public void setOutcome(RunOutcome outcome) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }
}
