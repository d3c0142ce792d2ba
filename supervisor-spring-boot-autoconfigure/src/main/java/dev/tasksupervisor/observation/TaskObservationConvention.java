package dev.tasksupervisor.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the {@code supervisor.task} observation and its keys: implement it (or extend
 * {@link DefaultTaskObservationConvention}) and declare it as a bean to change them.
 */
public interface TaskObservationConvention extends ObservationConvention<TaskObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof TaskObservationContext;
    }
}
