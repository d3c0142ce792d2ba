package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;

class SupervisorEndpointAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class,
                    SupervisorEndpointAutoConfiguration.class))
            .withPropertyValues("supervisor.id=endpoint-" + UUID.randomUUID().toString().substring(0, 8))
            // As SpringApplication does: property values such as access=none bind to enums leniently.
            .withInitializer(context -> context.getEnvironment().setConversionService(new ApplicationConversionService()));

    @Test
    void noEndpointUnlessItIsExposed() {
        contextRunner.run(context -> {
            assertThat(context).hasSingleBean(TaskSupervisor.class);
            assertThat(context).doesNotHaveBean(SupervisorEndpoint.class);
            assertThat(context).doesNotHaveBean(SupervisorEndpointWebExtension.class);
        });
    }

    @Test
    void endpointAndItsWebExtensionWhenExposedOnTheWeb() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=supervisor").run(context -> {
            assertThat(context).hasSingleBean(SupervisorEndpoint.class);
            assertThat(context).hasSingleBean(SupervisorEndpointWebExtension.class);
            assertThat(context.getBean(SupervisorEndpoint.class).supervisor(SecurityContext.NONE).id())
                    .isEqualTo(context.getBean(TaskSupervisor.class).getId());
        });
    }

    @Test
    void endpointWithoutTheWebExtensionWhenExposedOnlyOverJmx() {
        contextRunner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=supervisor")
                .run(context -> {
                    assertThat(context).hasSingleBean(SupervisorEndpoint.class);
                    assertThat(context).doesNotHaveBean(SupervisorEndpointWebExtension.class);
                });
    }

    @Test
    void noEndpointWhenItsAccessIsNone() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=supervisor",
                "management.endpoint.supervisor.access=none")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorEndpoint.class));
    }

    @Test
    void noEndpointWhenTheStarterIsSwitchedOff() {
        contextRunner.withPropertyValues("supervisor.enabled=false", "management.endpoints.web.exposure.include=supervisor")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorEndpoint.class));
    }

    @Test
    void noEndpointWithoutActuatorOnTheClassPath() {
        contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .withPropertyValues("management.endpoints.web.exposure.include=supervisor")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(TaskSupervisor.class);
                    assertThat(context).doesNotHaveBean(SupervisorEndpoint.class);
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnEndpoint() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=supervisor")
                .withBean("ownEndpoint", SupervisorEndpoint.class, () -> new SupervisorEndpoint(new TaskSupervisor("own")))
                .run(context -> {
                    assertThat(context).hasSingleBean(SupervisorEndpoint.class);
                    assertThat(context).hasBean("ownEndpoint");
                    assertThat(context.getBean(SupervisorEndpoint.class).supervisor(SecurityContext.NONE).id()).isEqualTo("own");
                });
    }
}
