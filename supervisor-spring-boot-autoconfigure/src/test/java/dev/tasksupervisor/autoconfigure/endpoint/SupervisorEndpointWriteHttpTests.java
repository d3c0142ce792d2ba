package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.WorkerState;

/** The {@code supervisor} endpoint's write operations over HTTP, with {@code access=unrestricted}. */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=writable", "supervisor.pool.min-size=2", "supervisor.pool.max-size=12",
                "supervisor.aloops.io.default=true", "management.endpoints.web.exposure.include=supervisor",
                "management.endpoint.supervisor.access=unrestricted", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorEndpointWriteHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private TaskSupervisor supervisor;

    @Autowired
    private ObservedApplication.Jobs jobs;

    @AfterEach
    void restoreThePoolAndTheWorkers() {
        supervisor.resizePool(2, 12);
        for (BackgroundWorker worker : supervisor.getWorkers()) {
            if (worker.isStopped()) {
                worker.start();
            }
        }
    }

    @Test
    void resizingThePoolTakesEffect() {
        post("/actuator/supervisor", "{\"minSize\":3,\"maxSize\":9}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.minSize").isEqualTo(3)
                .jsonPath("$.maxSize").isEqualTo(9);
        assertThat(supervisor.getPoolSettings().minSize()).isEqualTo(3);
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(9);
        post("/actuator/supervisor", "{\"maxSize\":\"5\"}").expectStatus().isOk()
                .expectBody().jsonPath("$.minSize").isEqualTo(3).jsonPath("$.maxSize").isEqualTo(5);
        client.get().uri("/actuator/supervisor").exchange().expectBody().jsonPath("$.pool.maxSize").isEqualTo(5);
    }

    @Test
    void invalidSizesAreABadRequestThatSaysWhy() {
        badRequest("/actuator/supervisor", "{\"minSize\":9,\"maxSize\":3}", "minSize (9) must not be above maxSize (3)");
        badRequest("/actuator/supervisor", "{\"maxSize\":1}", "minSize (2) must not be above maxSize (1)");
        badRequest("/actuator/supervisor", "{\"minSize\":-1}", "minSize must not be negative, was -1");
        badRequest("/actuator/supervisor", "{\"maxSize\":\"lots\"}", "maxSize must be a whole number of threads, was 'lots'");
        badRequest("/actuator/supervisor", "{}", "give minSize, maxSize or both");
        assertThat(supervisor.getPoolSettings().minSize()).isEqualTo(2);
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(12);
    }

    @Test
    void stoppingAndStartingAWorkerChangesIt() {
        post("/actuator/supervisor/tick", "{\"action\":\"stop\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("tick").jsonPath("$.state").isEqualTo("STOPPED");
        assertThat(supervisor.getWorker("tick").getState()).isEqualTo(WorkerState.STOPPED);
        client.get().uri("/actuator/supervisor/tick").exchange().expectBody().jsonPath("$.state").isEqualTo("STOPPED");
        post("/actuator/supervisor/tick", "{\"action\":\"stop\"}").expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("STOPPED");
        post("/actuator/supervisor/tick", "{\"action\":\"start\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("ACTIVE");
        assertThat(supervisor.getWorker("tick").isActive()).isTrue();
        int ticks = jobs.ticks();
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.ticks() > ticks);
    }

    @Test
    void restartingAWorkerStopsAndStartsIt() {
        post("/actuator/supervisor/ship", "{\"action\":\"restart\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("ACTIVE");
        supervisor.<String>getQueueWorker("ship").put("after-restart");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.shipped().contains("after-restart"));
    }

    @Test
    void triggeringAnEventWorkerRunsIt() {
        int before = jobs.refreshes();
        post("/actuator/supervisor/refresh", "{\"action\":\"trigger\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.kind").isEqualTo("EVENT");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.refreshes() == before + 1);
    }

    @Test
    void badActionsAreABadRequestThatSaysWhy() {
        badRequest("/actuator/supervisor/tick", "{\"action\":\"pause\"}",
                "unknown action 'pause' for worker 'tick': give action start, stop, restart or trigger");
        badRequest("/actuator/supervisor/tick", "{}", "no action for worker 'tick'");
        badRequest("/actuator/supervisor/ship", "{\"action\":\"trigger\"}",
                "worker 'ship' is a QUEUE worker, which has no trigger");
        assertThat(supervisor.getWorker("tick").isActive()).isTrue();
    }

    @Test
    void triggeringAStoppedWorkerIsAConflict() {
        supervisor.getWorker("refresh").stop();
        post("/actuator/supervisor/refresh", "{\"action\":\"trigger\"}")
                .expectStatus().isEqualTo(409)
                .expectBody()
                .jsonPath("$.error").isEqualTo("Conflict")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("'refresh' is STOPPED: start it before triggering it"));
    }

    @Test
    void anActionOnAnUnknownWorkerIsNotFound() {
        post("/actuator/supervisor/nobody", "{\"action\":\"start\"}")
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("no worker named 'nobody'"));
    }

    private RestTestClient.ResponseSpec post(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json).exchange();
    }

    private void badRequest(String path, String json, String reason) {
        post(path, json)
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.error").isEqualTo("Bad Request")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains(reason));
    }
}
