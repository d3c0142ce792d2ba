package dev.tasksupervisor.docs.observability;

import io.micrometer.common.KeyValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tasksupervisor.observation.DefaultWorkerRunObservationConvention;
import dev.tasksupervisor.observation.WorkerRunObservationContext;

/** docs/observability.md: a convention bean that adds a key to every run's observation. */
@Configuration(proxyBeanMethods = false)
class TeamConvention {

    @Bean
    DefaultWorkerRunObservationConvention workerRunObservationConvention() {
        return new DefaultWorkerRunObservationConvention() {
            @Override
            public KeyValues getLowCardinalityKeyValues(WorkerRunObservationContext context) {
                String team = context.getWorkerName().startsWith("ship") ? "shipping" : "platform";
                return super.getLowCardinalityKeyValues(context).and("team", team);
            }
        };
    }
}
