package dev.tasksupervisor.docs.testing;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;

import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;

/**
 * The application {@code ShippingTests} finds, as a {@code @SpringBootTest} finds an application's: only the
 * starter and the shipping worker. Its own supervisor id keeps its threads apart from other tests'.
 */
@SpringBootConfiguration
@ImportAutoConfiguration(SupervisorAutoConfiguration.class)
@Import(Shipping.class)
@PropertySource("classpath:dev/tasksupervisor/docs/testing/application.properties")
class TestingDocsApplication {
}
