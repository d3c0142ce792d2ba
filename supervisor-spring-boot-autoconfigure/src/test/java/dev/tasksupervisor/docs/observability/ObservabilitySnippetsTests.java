package dev.tasksupervisor.docs.observability;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.autoconfigure.observation.SupervisorObservationAutoConfiguration;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/** The snippets of docs/observability.md do what the page says. */
class ObservabilitySnippetsTests {

    @Test
    void theConventionBeanAddsTheTeamKey() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class,
                        SupervisorObservationAutoConfiguration.class))
                .withUserConfiguration(Registry.class, TeamConvention.class, Ship.class)
                .withPropertyValues("supervisor.id=snippets-" + UUID.randomUUID().toString().substring(0, 8))
                .run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                    Observation request = Observation.start("http.server.requests", registry);
                    try (Observation.Scope scope = request.openScope()) {
                        supervisor.getQueueWorker("ship", String.class).put("A-1"); // a put that continues a trace
                    } finally {
                        request.stop();
                    }
                    await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.getWorker("ship").getRuns() == 1);
                    TestObservationRegistryAssert.assertThat(registry)
                            .hasObservationWithNameEqualTo("supervisor.worker.run").that()
                            .hasLowCardinalityKeyValue("team", "shipping");
                });
    }

    @Test
    void thePlainJavaSupervisorObservesRunsAsChildrenOfTheCaller() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        TaskSupervisor supervisor = PlainJavaTracing.observed(registry);
        try {
            QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(order -> { }));
            worker.start();
            Observation request = Observation.start("http.server.requests", registry);
            try (Observation.Scope scope = request.openScope()) {
                worker.put("A-1");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> worker.getRuns() == 1);
            request.stop();
            TestObservationRegistryAssert.assertThat(registry)
                    .hasObservationWithNameEqualTo("supervisor.worker.run").that()
                    .hasParentObservationEqualTo(request);
        } finally {
            supervisor.stop();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {

        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Ship {

        @Worker(queue = true)
        void ship(String order) {
        }
    }
}
