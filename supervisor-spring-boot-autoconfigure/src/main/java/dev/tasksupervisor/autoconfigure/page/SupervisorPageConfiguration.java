package dev.tasksupervisor.autoconfigure.page;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The live page ({@link SupervisorPageHandlerMapping}) when {@code supervisor.page.enabled=true}, in the context
 * that serves the actuator: the application's on the server port, the management child context on a separate
 * {@code management.server.port} (hence a management context configuration, not an auto-configuration). Servlet
 * stacks with Spring MVC only, as the endpoint's own guards ({@code SupervisorEndpointServletConfiguration}).
 *
 * <p>What the page may do is read from the endpoints Spring Boot discovered, after exposure and access were
 * applied: the {@code supervisor} endpoint's path, and whether its writes are mapped.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(WebEndpointsSupplier.class)
@ConditionalOnBooleanProperty("supervisor.page.enabled")
@ImportRuntimeHints(SupervisorPageConfiguration.PageFiles.class)
class SupervisorPageConfiguration {

    private static final EndpointId SUPERVISOR = EndpointId.of("supervisor");

    @Bean
    @ConditionalOnMissingBean
    SupervisorPageHandlerMapping supervisorPageHandlerMapping(WebEndpointsSupplier webEndpoints,
            WebEndpointProperties properties) {
        ExposableWebEndpoint supervisor = webEndpoints.getEndpoints().stream()
                .filter(endpoint -> SUPERVISOR.equals(endpoint.getEndpointId()))
                .findFirst().orElse(null);
        boolean writable = supervisor != null && supervisor.getOperations().stream()
                .anyMatch(operation -> operation.getType() != OperationType.READ);
        return SupervisorPageHandlerMapping.of(properties.getBasePath(),
                supervisor == null ? null : supervisor.getRootPath(), writable);
    }

    /** The page's files, read from the class path: a native image keeps them only when told to. */
    static class PageFiles implements RuntimeHintsRegistrar {

        @Override
        public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
            for (String file : new String[] {"index.html", "page.js", "page.css"}) {
                hints.resources().registerPattern("dev/tasksupervisor/autoconfigure/page/" + file);
            }
        }
    }
}
