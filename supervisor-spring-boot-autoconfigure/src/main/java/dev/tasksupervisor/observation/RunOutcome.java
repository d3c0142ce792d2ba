package dev.tasksupervisor.observation;

/** How an observed run or task came out: the {@code outcome} key of its observation. */
public enum RunOutcome {

    /** Still running: the value when the observation starts (a long task timer's, say). */
    UNKNOWN("unknown"),
    /** The target (or the task) returned. */
    SUCCESS("success"),
    /** It threw, or its stage failed: a run timeout, and a run a forced stop ended, too. */
    ERROR("error"),
    /** A worker's run guard refused the run: nothing ran. Never a task's. */
    SKIPPED("skipped");

    private final String value;

    RunOutcome(String value) {
        this.value = value;
    }

    /** The key's value, as the {@code supervisor.worker.runs} timer's {@code outcome} tag spells it. */
    public String getValue() {
        return value;
    }
}
