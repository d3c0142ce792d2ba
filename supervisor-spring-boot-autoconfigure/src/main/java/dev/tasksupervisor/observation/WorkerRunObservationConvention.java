package dev.tasksupervisor.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the {@code supervisor.worker.run} observation and its keys: implement it (or extend
 * {@link DefaultWorkerRunObservationConvention}) and declare it as a bean to change them.
 */
public interface WorkerRunObservationConvention extends ObservationConvention<WorkerRunObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof WorkerRunObservationContext;
    }
}
