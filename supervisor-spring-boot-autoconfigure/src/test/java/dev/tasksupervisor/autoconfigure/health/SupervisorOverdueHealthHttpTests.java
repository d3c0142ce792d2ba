package dev.tasksupervisor.autoconfigure.health;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * Overdue workers and stale queues in the {@code supervisor} health component over HTTP (issue 19), with
 * {@code management.health.supervisor.overdue-status=OUT_OF_SERVICE}: an interval worker that always fails is
 * overdue after one period, a paused queue holding an item is stale after 200 ms.
 */
@SpringBootTest(classes = SupervisorOverdueHealthHttpTests.LateApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.overdue.periods=1", "supervisor.overdue.queue-wait=200ms",
                "management.health.supervisor.overdue-status=out_of_service",
                "management.endpoints.web.exposure.include=health", "management.endpoint.health.show-details=always",
                "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorOverdueHealthHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private TaskSupervisor supervisor;

    @Test
    void overdueWorkersAndStaleQueuesAreListedWithTheConfiguredStatus() {
        @SuppressWarnings("unchecked")
        QueueWorker<String> ship = (QueueWorker<String>) supervisor.findWorker("ship").orElseThrow();
        ship.pause();
        ship.put("A-1");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> client.get().uri("/actuator/health/supervisor")
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectBody()
                .jsonPath("$.status").isEqualTo("OUT_OF_SERVICE")
                .jsonPath("$.details.state").isEqualTo("ACTIVE")
                .jsonPath("$.details.overdue.report.schedule").isEqualTo("every PT0.1S")
                .jsonPath("$.details.overdue.report.overdueSince").isNotEmpty()
                .jsonPath("$.details.overdue.report.lastSuccess").doesNotExist()
                .jsonPath("$.details.staleQueues.ship.queueSize").isEqualTo(1)
                .jsonPath("$.details.staleQueues.ship.paused").isEqualTo(true)
                .jsonPath("$.details.reason").value(reason -> org.assertj.core.api.Assertions.assertThat((String) reason)
                        .contains("[report]", "[ship]")));
        client.get().uri("/actuator/health").exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.components.supervisor.status").isEqualTo("OUT_OF_SERVICE");

        ship.resume();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> client.get().uri("/actuator/health/supervisor")
                .exchange()
                .expectBody()
                .jsonPath("$.details.staleQueues").doesNotExist()
                .jsonPath("$.details.overdue.report").exists());
    }

    /** A report that always fails, and a queue. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class LateApplication {

        @Bean
        Jobs jobs() {
            return new Jobs();
        }
    }

    static class Jobs {

        @Worker(interval = "100ms")
        void report() {
            throw new IllegalStateException("the report service is down");
        }

        @Worker(queue = true)
        void ship(String order) {
        }
    }
}
