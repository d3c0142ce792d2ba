package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;

/** The {@code supervisor} endpoint over HTTP with its default, read-only access: reads, and writes refused with 403. */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=observed", "supervisor.poll-delay=20ms", "supervisor.pool.min-size=2",
                "supervisor.pool.max-size=12", "supervisor.aloops.io.default=true",
                "management.endpoints.web.exposure.include=supervisor", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorEndpointHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private TaskSupervisor supervisor;

    @Autowired
    private ObservedApplication.Jobs jobs;

    @Test
    void showsTheSupervisorItsPoolAloopsAndWorkers() {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.ticks() >= 1);
        client.get().uri("/actuator/supervisor").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo("observed")
                .jsonPath("$.state").isEqualTo("ACTIVE")
                .jsonPath("$.active").isEqualTo(true)
                .jsonPath("$.pollDelay").isEqualTo("PT0.02S")
                .jsonPath("$.pool.minSize").isEqualTo(2)
                .jsonPath("$.pool.maxSize").isEqualTo(12)
                .jsonPath("$.pool.currentSize").isNumber()
                .jsonPath("$.pool.active").isNumber()
                .jsonPath("$.pool.largest").isNumber()
                .jsonPath("$.pool.queued").isNumber()
                .jsonPath("$.pool.completed").isNumber()
                .jsonPath("$.pool.rejected").isEqualTo(0)
                .jsonPath("$.pool.saturated").isEqualTo(false)
                .jsonPath("$.pool.priorities").doesNotExist()
                .jsonPath("$.aloops[0].name").isEqualTo("io")
                .jsonPath("$.aloops[0].default").isEqualTo(true)
                .jsonPath("$.aloops[0].daemon").isEqualTo(false)
                .jsonPath("$.aloops[0].active").isEqualTo(true)
                .jsonPath("$.aloops[0].thread").isEqualTo("supervisor_observed_aloop_io")
                .jsonPath("$.aloops[0].pending").isNumber()
                .jsonPath("$.workers[*].name").value(names -> assertThat(names).asList()
                        .containsExactly("poll", "refresh", "ship", "tick"))
                .jsonPath("$.workers[?(@.name == 'poll')].kind").isEqualTo("ASYNC")
                .jsonPath("$.workers[?(@.name == 'poll')].aloop").isEqualTo("io")
                .jsonPath("$.workers[?(@.name == 'tick')].kind").isEqualTo("INTERVAL")
                .jsonPath("$.workers[?(@.name == 'tick')].state").isEqualTo("ACTIVE")
                .jsonPath("$.workers[?(@.name == 'tick')].schedule").isEqualTo("every PT0.1S")
                .jsonPath("$.workers[?(@.name == 'tick')].lastRunStarted").exists()
                .jsonPath("$.workers[?(@.name == 'tick')].lastRunDuration").exists()
                .jsonPath("$.workers[?(@.name == 'ship')].kind").isEqualTo("QUEUE")
                .jsonPath("$.workers[?(@.name == 'ship')].queueSize").isEqualTo(0)
                .jsonPath("$.workers[?(@.name == 'refresh')].failures").isEqualTo(0);
    }

    @Test
    void showsOneWorker() {
        supervisor.getQueueWorker("ship", String.class).put("order-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.shipped().contains("order-1"));
        client.get().uri("/actuator/supervisor/ship").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.name").isEqualTo("ship")
                .jsonPath("$.kind").isEqualTo("QUEUE")
                .jsonPath("$.state").isEqualTo("ACTIVE")
                .jsonPath("$.schedule").isEqualTo("per item")
                .jsonPath("$.runs").value(runs -> assertThat(((Number) runs).longValue()).isPositive())
                .jsonPath("$.aloop").doesNotExist();
    }

    @Test
    void anUnknownWorkerIsNotFoundAndTheAnswerNamesTheWorkersThereAre() {
        client.get().uri("/actuator/supervisor/nobody").exchange()
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("no worker named 'nobody'").contains("[poll, refresh, ship, tick]"));
    }

    @Test
    void readingResetsNoStatistic() {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.ticks() >= 2);
        long runsBefore = supervisor.getWorker("tick").getRuns();
        long completedBefore = supervisor.poolInfo().completed();
        client.get().uri("/actuator/supervisor").exchange().expectStatus().isOk();
        client.get().uri("/actuator/supervisor/tick").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.runs").value(runs -> assertThat(((Number) runs).longValue())
                        .isGreaterThanOrEqualTo(runsBefore));
        assertThat(supervisor.getWorker("tick").getRuns()).isGreaterThanOrEqualTo(runsBefore);
        assertThat(supervisor.poolInfo().completed()).isGreaterThanOrEqualTo(completedBefore);
    }

    @Test
    void writesAreForbiddenWhileAccessIsReadOnlyAndTheAnswerSaysWhatToSet() {
        int maxBefore = supervisor.getPoolSettings().maxSize();
        for (String[] write : new String[][] {{"/actuator/supervisor", "{\"maxSize\":3}"},
                {"/actuator/supervisor/tick", "{\"action\":\"stop\"}"},
                {"/actuator/supervisor/nobody", "{\"action\":\"stop\"}"}}) {
            client.post().uri(write[0]).contentType(MediaType.APPLICATION_JSON).body(write[1]).exchange()
                    .expectStatus().isForbidden()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                    .expectBody()
                    .jsonPath("$.status").isEqualTo(403)
                    .jsonPath("$.error").isEqualTo("Forbidden")
                    .jsonPath("$.message").isEqualTo("The supervisor endpoint is read-only, as it is by default. To "
                            + "allow resizing the pool and starting, stopping, restarting, triggering, pausing or "
                            + "resuming workers, set management.endpoint.supervisor.access=unrestricted (secure the "
                            + "endpoint first if it can be reached from outside).");
        }
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(maxBefore);
        assertThat(supervisor.getWorker("tick").isActive()).isTrue();
    }

    @Test
    void onlyWritesToTheEndpointAreForbidden() {
        client.get().uri("/actuator/supervisor/tick").exchange().expectStatus().isOk();
        client.put().uri("/actuator/supervisor").contentType(MediaType.APPLICATION_JSON).body("{}").exchange()
                .expectStatus().isEqualTo(405);
        // A worker's part (its dead letters) is read-only whatever the access: Spring MVC's 405, not the 403.
        client.post().uri("/actuator/supervisor/ship/dead-letters").contentType(MediaType.APPLICATION_JSON).body("{}")
                .exchange().expectStatus().isEqualTo(405);
        client.post().uri("/actuator/supervisor/tick/runs/last").contentType(MediaType.APPLICATION_JSON).body("{}")
                .exchange().expectStatus().isNotFound();
        client.post().uri("/actuator/supervisorx").contentType(MediaType.APPLICATION_JSON).body("{}").exchange()
                .expectStatus().isNotFound();
        client.post().uri("/supervisor").contentType(MediaType.APPLICATION_JSON).body("{}").exchange()
                .expectStatus().isNotFound();
    }
}
