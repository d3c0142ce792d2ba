package dev.tasksupervisor.observation;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import dev.tasksupervisor.observation.SupervisorObservationDocumentation.TaskKeyNames;
import dev.tasksupervisor.pool.Priority;

/**
 * The {@code supervisor.task} observation as the starter names it: contextual name {@code supervisor task},
 * low-cardinality keys {@code priority} and {@code outcome}.
 */
public class DefaultTaskObservationConvention implements TaskObservationConvention {

    /** The observation's name. */
    public static final String NAME = "supervisor.task";

    /** The keys, made once: they are asked for twice on every task. */
    private static final KeyValue[] PRIORITIES = new KeyValue[Priority.values().length];
    private static final KeyValue[] OUTCOMES = new KeyValue[RunOutcome.values().length];

    static {
        for (Priority priority : Priority.values()) {
            PRIORITIES[priority.ordinal()] = TaskKeyNames.PRIORITY.withValue(priority.name().toLowerCase(Locale.ROOT));
        }
        for (RunOutcome outcome : RunOutcome.values()) {
            OUTCOMES[outcome.ordinal()] = TaskKeyNames.OUTCOME.withValue(outcome.getValue());
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(TaskObservationContext context) {
        return "supervisor task";
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(TaskObservationContext context) {
        return KeyValues.of(priority(context), outcome(context));
    }

    /** The {@code priority} key: the task's priority, lower case. */
    protected KeyValue priority(TaskObservationContext context) {
        return PRIORITIES[context.getPriority().ordinal()];
    }

    /** The {@code outcome} key. */
    protected KeyValue outcome(TaskObservationContext context) {
        return OUTCOMES[context.getOutcome().ordinal()];
    }
}
