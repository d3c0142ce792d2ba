package dev.tasksupervisor.autoconfigure.endpoint;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;

/**
 * Auto-configuration of the {@code supervisor} actuator endpoint, when actuator is on the class path and
 * the endpoint is available ({@code management.endpoints.web.exposure.include}, {@code ...access}).
 *
 * <p>The availability conditions sit on the bean methods, not on the class: their condition classes
 * live in actuator, and Spring instantiates every condition of a class before evaluating any, so on the
 * class they would fail where {@code @ConditionalOnClass} should have quietly switched this off.
 *
 * <p>The endpoint's responses are records that Jackson reads by reflection: their binding hints are
 * registered here for a native image, the nested records and enums with them. Spring Boot would find
 * most from the operations' return types, but not the web extension's, which are typed as
 * {@code OperationResponseBody}.
 */
@AutoConfiguration(after = SupervisorAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(TaskSupervisor.class)
@EnableConfigurationProperties(SupervisorEndpointProperties.class)
@RegisterReflectionForBinding({SupervisorEndpoint.SupervisorDescriptor.class, SupervisorEndpoint.PoolDescriptor.class,
        SupervisorEndpoint.WorkerDescriptor.class, SupervisorEndpoint.DeadLettersDescriptor.class,
        SupervisorEndpointWebExtension.ErrorDescriptor.class})
public final class SupervisorEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    SupervisorEndpoint supervisorEndpoint(TaskSupervisor taskSupervisor, SupervisorEndpointProperties properties) {
        return new SupervisorEndpoint(taskSupervisor, properties.getShowValues(), properties.getRoles());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(SupervisorEndpoint.class)
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    SupervisorEndpointWebExtension supervisorEndpointWebExtension(SupervisorEndpoint supervisorEndpoint) {
        return new SupervisorEndpointWebExtension(supervisorEndpoint);
    }
}
