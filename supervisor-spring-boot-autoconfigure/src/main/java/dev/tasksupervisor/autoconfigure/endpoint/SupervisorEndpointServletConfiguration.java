package dev.tasksupervisor.autoconfigure.endpoint;

import java.util.Locale;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The {@code supervisor} endpoint's guards on a servlet stack: the 403 for a write to the read-only endpoint
 * ({@link ReadOnlyWritesHandlerMapping}) and the 400 for a request carrying more than its operation takes
 * ({@link EndpointRequestGuard}), in the context that serves the actuator: the application's on the server
 * port, the management child context on a separate {@code management.server.port} (hence a management
 * context configuration, not an auto-configuration); and on Tomcat the JSON 400 for a path the server refuses
 * before any servlet runs ({@link RefusedPathValve}). Servlet stacks with Spring MVC only, as Boot's own
 * endpoint mapping.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(WebEndpointsSupplier.class)
class SupervisorEndpointServletConfiguration {

    private static final String MAX_PERMITTED = "management.endpoints.access.max-permitted";

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = SupervisorEndpoint.class, exposure = EndpointExposure.WEB)
    ReadOnlyWritesHandlerMapping supervisorEndpointReadOnlyHandlerMapping(WebEndpointsSupplier webEndpoints,
            WebEndpointProperties properties, Environment environment) {
        return ReadOnlyWritesHandlerMapping.of(webEndpoints.getEndpoints(), properties.getBasePath(),
                refusal(environment));
    }

    /** Runs after Spring Security's filters (a filter bean's default order is the lowest): who may not call, cannot. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = SupervisorEndpoint.class, exposure = EndpointExposure.WEB)
    EndpointRequestGuard supervisorEndpointRequestGuard(WebEndpointsSupplier webEndpoints, WebEndpointProperties properties) {
        return EndpointRequestGuard.of(webEndpoints.getEndpoints(), properties.getBasePath());
    }

    /** On Tomcat: the endpoint's JSON error for a path under it that the connector refuses ({@link RefusedPathValve}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ConfigurableTomcatWebServerFactory.class, org.apache.catalina.Valve.class})
    static class TomcatRefusedPaths {

        @Bean
        @ConditionalOnAvailableEndpoint(endpoint = SupervisorEndpoint.class, exposure = EndpointExposure.WEB)
        WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> supervisorEndpointRefusedPaths(
                WebEndpointsSupplier webEndpoints, WebEndpointProperties properties) {
            return factory -> factory.addContextCustomizers(context -> context.getParent().getPipeline().addValve(
                    new RefusedPathValve(() -> context.getPath() + endpointPath(webEndpoints, properties.getBasePath()))));
        }

        /** The endpoint's path below the context path: the base path and its own (a path mapping included). */
        private static String endpointPath(WebEndpointsSupplier webEndpoints, String basePath) {
            String root = webEndpoints.getEndpoints().stream()
                    .filter(endpoint -> EndpointId.of("supervisor").equals(endpoint.getEndpointId()))
                    .map(ExposableWebEndpoint::getRootPath).findFirst().orElse("supervisor");
            return new EndpointMapping(basePath).createSubPath(root);
        }
    }

    /** What the 403 says: the property to set, and the cap above it if there is one. */
    static String refusal(Environment environment) {
        String writes = "resizing the pool and starting, stopping, restarting, triggering, pausing or resuming workers";
        String cap = environment.getProperty(MAX_PERMITTED);
        if (cap != null && !cap.trim().toLowerCase(Locale.ROOT).replace("_", "-").equals("unrestricted")) {
            return "The supervisor endpoint is read-only: " + MAX_PERMITTED + " (" + cap.trim() + ") allows no writes "
                    + "to any endpoint. To allow " + writes + ", raise it to unrestricted and set "
                    + "management.endpoint.supervisor.access=unrestricted (secure the endpoint first if it can be "
                    + "reached from outside).";
        }
        return "The supervisor endpoint is read-only, as it is by default. To allow " + writes + ", set "
                + "management.endpoint.supervisor.access=unrestricted (secure the endpoint first if it can be "
                + "reached from outside).";
    }
}
