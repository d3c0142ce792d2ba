package dev.tasksupervisor.autoconfigure.observation;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.tasksupervisor.observation.ObservationRunObserver;
import dev.tasksupervisor.observation.QueueItemObservation;
import dev.tasksupervisor.observation.TaskObservationConvention;
import dev.tasksupervisor.observation.WorkerRunObservationConvention;
import dev.tasksupervisor.worker.RunObserver;

/**
 * Auto-configuration of a Micrometer Observation per worker run and per spawned task
 * ({@link ObservationRunObserver}), when the application has an {@link ObservationRegistry} (Spring Boot's
 * actuator makes one). The supervisor bean picks the observer up as it is made, and with it carries the caller's
 * context into the runs (see {@code TaskSupervisorConfiguration}). Off with
 * {@code management.observations.enable.supervisor=false}, Boot's switch for observations of a name prefix: then
 * neither observer nor context propagation is set up at all.
 */
// By name: Boot's observation module is optional, and an application may have Micrometer's Observation API (which
// micrometer-core brings) and a registry of its own without it; a missing class here would be logged as a warning.
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "supervisor.enabled", matchIfMissing = true)
public final class SupervisorObservationAutoConfiguration {

    /** Named by the conventions the application declares as beans, else by the registry's or the defaults. */
    @Bean
    @ConditionalOnMissingBean(RunObserver.class)
    @ConditionalOnBooleanProperty(name = "management.observations.enable.supervisor", matchIfMissing = true)
    ObservationRunObserver supervisorRunObserver(ObservationRegistry observationRegistry,
            ObjectProvider<WorkerRunObservationConvention> workerRunConvention,
            ObjectProvider<TaskObservationConvention> taskConvention, Environment environment) {
        // Read here rather than from SupervisorProperties: this configuration does not depend on the main one's beans.
        QueueItemObservation queueItems = Binder.get(environment).bind("supervisor.observation.queue-items",
                QueueItemObservation.class).orElse(QueueItemObservation.TRACED);
        return new ObservationRunObserver(observationRegistry, workerRunConvention.getIfUnique(),
                taskConvention.getIfUnique(), queueItems);
    }
}
