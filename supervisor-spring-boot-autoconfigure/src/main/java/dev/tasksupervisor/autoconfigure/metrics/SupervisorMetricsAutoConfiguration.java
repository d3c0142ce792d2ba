package dev.tasksupervisor.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.autoconfigure.SupervisorProperties;
import dev.tasksupervisor.autoconfigure.health.OverdueWorkers;

/**
 * Auto-configuration of the task supervisor's Micrometer meters ({@link SupervisorMetrics}), when Micrometer
 * and a {@code MeterRegistry} are there; Spring Boot binds the {@code MeterBinder} to its registry.
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
        SupervisorAutoConfiguration.class})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, TaskSupervisor.class})
public final class SupervisorMetricsAutoConfiguration {

    /** The pool tagged {@code name=supervisor}; closed with the context, when it stops following workers. */
    @Bean
    @ConditionalOnMissingBean
    SupervisorMetrics supervisorMetrics(TaskSupervisor taskSupervisor, ObjectProvider<SupervisorProperties> properties) {
        SupervisorProperties settings = properties.getIfAvailable();
        return new SupervisorMetrics(taskSupervisor, SupervisorMetrics.DEFAULT_NAME,
                OverdueWorkers.of(taskSupervisor, settings == null ? null : settings.getOverdue()));
    }
}
