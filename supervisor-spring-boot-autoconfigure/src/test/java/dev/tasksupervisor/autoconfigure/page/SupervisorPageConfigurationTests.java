package dev.tasksupervisor.autoconfigure.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import ch.qos.logback.classic.Level;

import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.autoconfigure.endpoint.SupervisorEndpointAutoConfiguration;
import dev.tasksupervisor.testsupport.LogCapture;

/** When the live page is there: only when enabled, on a servlet web application with Spring MVC. */
class SupervisorPageConfigurationTests {

    private static final AutoConfigurations ACTUATOR = AutoConfigurations.of(SupervisorAutoConfiguration.class,
            SupervisorEndpointAutoConfiguration.class, EndpointAutoConfiguration.class,
            WebEndpointAutoConfiguration.class, ManagementContextAutoConfiguration.class);

    private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
            .withConfiguration(ACTUATOR)
            .withPropertyValues("supervisor.id=page-" + UUID.randomUUID().toString().substring(0, 8),
                    "management.endpoints.web.exposure.include=supervisor")
            .withInitializer(context -> context.getEnvironment().setConversionService(new ApplicationConversionService()));

    @Test
    void noPageUnlessEnabled() {
        contextRunner.run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(SupervisorPageHandlerMapping.class));
    }

    @Test
    void thePageWhenEnabled() {
        contextRunner.withPropertyValues("supervisor.page.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(SupervisorPageHandlerMapping.class);
            assertThat(context.getBean(SupervisorPageHandlerMapping.class).isActive()).isTrue();
        });
    }

    @Test
    void enabledWithoutTheEndpointOnTheWebItServesNothingAndSaysSo() {
        try (LogCapture logs = LogCapture.of(SupervisorPageHandlerMapping.class)) {
            contextRunner.withPropertyValues("supervisor.page.enabled=true",
                    "management.endpoints.web.exposure.include=health")
                    .run(context -> assertThat(context.getBean(SupervisorPageHandlerMapping.class).isActive()).isFalse());
            assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("the supervisor endpoint is not on the web");
        }
    }

    @Test
    void noPageWithoutSpringMvc() {
        contextRunner.withPropertyValues("supervisor.page.enabled=true")
                .withClassLoader(new FilteredClassLoader("org.springframework.web.servlet"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SupervisorPageHandlerMapping.class));
    }

    @Test
    void noPageInAnApplicationThatIsNoWebApplication() {
        new ApplicationContextRunner().withConfiguration(ACTUATOR)
                .withPropertyValues("supervisor.id=page-" + UUID.randomUUID().toString().substring(0, 8),
                        "management.endpoints.web.exposure.include=supervisor", "supervisor.page.enabled=true")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SupervisorPageHandlerMapping.class));
    }
}
