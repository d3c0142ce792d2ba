package dev.tasksupervisor.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;

/** The supervisor's meters through the {@code metrics} endpoint, as a dashboard or a person would find them. */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=measured", "supervisor.pool.min-size=2", "supervisor.pool.max-size=10",
                "supervisor.aloops.io.default=true", "management.endpoints.web.exposure.include=metrics",
                "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorMetricsHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private TaskSupervisor supervisor;

    @Autowired
    private ObservedApplication.Jobs jobs;

    @Test
    void thePoolIsAnExecutorNamedSupervisor() {
        client.get().uri("/actuator/metrics/executor.active?tag=name:supervisor").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.name").isEqualTo("executor.active")
                .jsonPath("$.baseUnit").isEqualTo("threads")
                .jsonPath("$.measurements[0].statistic").isEqualTo("VALUE");
        client.get().uri("/actuator/metrics/executor.pool.max?tag=name:supervisor").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[0].value").isEqualTo(10.0);
        for (String name : List.of("executor.queued", "executor.pool.size", "executor.pool.core", "executor.completed")) {
            client.get().uri("/actuator/metrics/" + name + "?tag=name:supervisor").exchange().expectStatus().isOk();
        }
    }

    @Test
    void everyWorkersRunsAreTimedByOutcome() {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.ticks() >= 2);
        client.get().uri("/actuator/metrics/supervisor.worker.runs?tag=worker:tick&tag=outcome:success").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.baseUnit").isEqualTo("seconds")
                .jsonPath("$.measurements[?(@.statistic == 'COUNT')].value")
                .value(count -> assertThat(((List<?>) count).get(0)).asString().isNotEqualTo("0.0"))
                .jsonPath("$.availableTags[?(@.tag == 'kind')].values[0]").isEqualTo("interval");
        client.get().uri("/actuator/metrics/supervisor.worker.runs?tag=worker:tick&tag=outcome:error").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[?(@.statistic == 'COUNT')].value").isEqualTo(0.0);
    }

    @Test
    void queueSizesAndAloopPendingWorkAreGauges() {
        supervisor.getQueueWorker("ship", String.class).put("measured-order");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.shipped().contains("measured-order"));
        client.get().uri("/actuator/metrics/supervisor.worker.queue.size?tag=worker:ship").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[0].value").isEqualTo(0.0);
        client.get().uri("/actuator/metrics/supervisor.aloop.pending?tag=aloop:io").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[0].statistic").isEqualTo("VALUE");
    }
}
