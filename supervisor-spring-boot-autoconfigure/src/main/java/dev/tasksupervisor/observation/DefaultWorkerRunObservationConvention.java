package dev.tasksupervisor.observation;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import dev.tasksupervisor.observation.SupervisorObservationDocumentation.WorkerRunKeyNames;
import dev.tasksupervisor.worker.WorkerKind;

/**
 * The {@code supervisor.worker.run} observation as the starter names it: contextual name (a span's name)
 * {@code worker <name>}, low-cardinality keys {@code worker}, {@code kind} and {@code outcome}, no
 * high-cardinality key (a queue item may hold personal data; add one in a subclass if yours do not).
 */
public class DefaultWorkerRunObservationConvention implements WorkerRunObservationConvention {

    /** The observation's name. */
    public static final String NAME = "supervisor.worker.run";

    /** The {@code kind} and {@code outcome} keys, made once: they are asked for twice on every run. */
    private static final KeyValue[] KINDS = new KeyValue[WorkerKind.values().length];
    private static final KeyValue[] OUTCOMES = new KeyValue[RunOutcome.values().length];

    static {
        for (WorkerKind kind : WorkerKind.values()) {
            KINDS[kind.ordinal()] = WorkerRunKeyNames.KIND.withValue(kind.name().toLowerCase(Locale.ROOT));
        }
        for (RunOutcome outcome : RunOutcome.values()) {
            OUTCOMES[outcome.ordinal()] = WorkerRunKeyNames.OUTCOME.withValue(outcome.getValue());
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(WorkerRunObservationContext context) {
        return "worker " + context.getWorkerName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(WorkerRunObservationContext context) {
        return KeyValues.of(worker(context), kind(context), outcome(context));
    }

    /** The {@code worker} key: the worker's name. */
    protected KeyValue worker(WorkerRunObservationContext context) {
        return WorkerRunKeyNames.WORKER.withValue(context.getWorkerName());
    }

    /** The {@code kind} key: the worker's kind, lower case, as the {@code supervisor.worker.runs} timer's tag. */
    protected KeyValue kind(WorkerRunObservationContext context) {
        return KINDS[context.getKind().ordinal()];
    }

    /** The {@code outcome} key. */
    protected KeyValue outcome(WorkerRunObservationContext context) {
        return OUTCOMES[context.getOutcome().ordinal()];
    }
}
