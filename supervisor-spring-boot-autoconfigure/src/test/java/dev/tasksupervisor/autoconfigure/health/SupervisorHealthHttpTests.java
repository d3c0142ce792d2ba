package dev.tasksupervisor.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;

/** The {@code supervisor} health contributor over HTTP; the test stops the supervisor, so the context goes. */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=healthy", "supervisor.pool.max-size=8", "supervisor.pool.check-interval=100ms",
                "supervisor.aloops.io.default=true", "management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-details=always", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
@DirtiesContext
class SupervisorHealthHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private TaskSupervisor supervisor;

    @Test
    void upWhileTheSupervisorRunsThenDownOnceItStops() {
        await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.poolInfo().lastCheckLatency() != null);
        client.get().uri("/actuator/health/supervisor").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.details.id").isEqualTo("healthy")
                .jsonPath("$.details.state").isEqualTo("ACTIVE")
                .jsonPath("$.details.saturated").isEqualTo(false)
                .jsonPath("$.details.lastCheckLatency").value(latency -> assertThat((String) latency).startsWith("PT"))
                .jsonPath("$.details.pool.maxSize").isEqualTo(8)
                .jsonPath("$.details.pool.currentSize").isNumber()
                .jsonPath("$.details.pool.active").isNumber()
                .jsonPath("$.details.pool.queued").isNumber()
                .jsonPath("$.details.reason").doesNotExist();
        client.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.components.supervisor.status").isEqualTo("UP");

        supervisor.stop();

        client.get().uri("/actuator/health/supervisor").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody()
                .jsonPath("$.status").isEqualTo("DOWN")
                .jsonPath("$.details.state").isEqualTo("STOPPED")
                .jsonPath("$.details.reason").isEqualTo("task supervisor 'healthy' is STOPPED");
        client.get().uri("/actuator/health").exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.status").isEqualTo("DOWN");
    }
}
