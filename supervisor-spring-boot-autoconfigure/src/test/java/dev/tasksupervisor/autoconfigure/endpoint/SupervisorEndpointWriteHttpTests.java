package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.test.web.servlet.client.RestTestClient;

import ch.qos.logback.classic.Level;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;
import dev.tasksupervisor.testsupport.LogCapture;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerState;

/**
 * The {@code supervisor} endpoint's write operations over HTTP, with {@code access=unrestricted}; what they
 * refuse is in {@link SupervisorEndpointBadInputHttpTests}.
 */
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
        supervisor.getWorker("tick", IntervalWorker.class).rescheduleAtFixedRate(Duration.ofMillis(100));
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
    void aResizeToTheEndpointsLimitAnswersBeforeItsThreadsHaveStarted() {
        // 1,000 threads take about a second to start: the answer does not wait for them, it says what was asked
        // and how many threads there are so far; they start in the background.
        post("/actuator/supervisor", "{\"minSize\":1000,\"maxSize\":1000}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.minSize").isEqualTo(1000)
                .jsonPath("$.maxSize").isEqualTo(1000)
                .jsonPath("$.currentSize").value(current -> assertThat((Integer) current).isLessThan(1000))
                .jsonPath("$.growthFailure").doesNotExist();
        await().atMost(Duration.ofSeconds(60)).until(() -> supervisor.poolInfo().currentSize() >= 1000);
        assertThat(supervisor.poolInfo().growthFailure()).isNull();
    }

    @Test
    void stoppingAndStartingAWorkerChangesItAndEachWriteIsLoggedWithItsCaller() {
        try (LogCapture logs = LogCapture.of(SupervisorEndpoint.class)) {
            stopAndStartTick();
            assertThat(logs.messages(Level.INFO)).containsExactly(
                    "Supervisor endpoint: an anonymous caller asks to stop worker 'tick'",
                    "Supervisor endpoint: an anonymous caller asks to stop worker 'tick'",
                    "Supervisor endpoint: an anonymous caller asks to start worker 'tick'");
        }
    }

    private void stopAndStartTick() {
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
    void theWorkerViewShowsTheNextAndLastRunAndARescheduleChangesTheSchedule() {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.ticks() >= 1);
        client.get().uri("/actuator/supervisor/tick").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.schedule").isEqualTo("every PT0.1S")
                .jsonPath("$.nextRun").value(next -> assertThat(Instant.parse((String) next))
                        .isBefore(Instant.now().plusSeconds(5)))
                .jsonPath("$.lastOutcome").isEqualTo("SUCCESS")
                .jsonPath("$.lastSuccess").value(last -> assertThat(Instant.parse((String) last))
                        .isBefore(Instant.now().plusSeconds(1)))
                .jsonPath("$.misfires").isNumber();
        client.get().uri("/actuator/supervisor/ship").exchange().expectBody()
                .jsonPath("$.nextRun").doesNotExist().jsonPath("$.misfires").doesNotExist();

        try (LogCapture logs = LogCapture.of(SupervisorEndpoint.class)) {
            Instant expected = CronExpression.parse("0 0 2 * * *").next(ZonedDateTime.now(ZoneId.of("Europe/Paris")))
                    .toInstant();
            post("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"cron\":\"0 0 2 * * *\",\"zone\":\"Europe/Paris\"}")
                    .expectStatus().isOk().expectBody()
                    .jsonPath("$.schedule").isEqualTo("cron 0 0 2 * * * (Europe/Paris)")
                    .jsonPath("$.nextRun").isEqualTo(expected.toString());
            assertThat(supervisor.getWorker("tick").getNextRun()).isEqualTo(expected);
            assertThat(logs.messages(Level.INFO)).containsExactly("Supervisor endpoint: an anonymous caller asks to "
                    + "reschedule worker 'tick' to cron 0 0 2 * * * in Europe/Paris");
        }
        int ticks = jobs.ticks();
        post("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"delay\":\"50ms\"}")
                .expectStatus().isOk().expectBody().jsonPath("$.schedule").isEqualTo("delay PT0.05S");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.ticks() > ticks);
        post("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"interval\":\"100ms\"}")
                .expectStatus().isOk().expectBody().jsonPath("$.schedule").isEqualTo("every PT0.1S");
    }

    @Test
    void restartingAWorkerStopsAndStartsIt() {
        post("/actuator/supervisor/ship", "{\"action\":\"restart\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("ACTIVE");
        supervisor.getQueueWorker("ship", String.class).put("after-restart");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.shipped().contains("after-restart"));
    }

    @Test
    void aPausedQueueWorkerAcceptsOrdersAndHoldsThemUntilResumed() throws InterruptedException {
        QueueWorker<String> ship = supervisor.getQueueWorker("ship", String.class);
        try (LogCapture logs = LogCapture.of(SupervisorEndpoint.class)) {
            post("/actuator/supervisor/ship", "{\"action\":\"pause\"}")
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.state").isEqualTo("ACTIVE").jsonPath("$.paused").isEqualTo(true);
            post("/actuator/supervisor/ship", "{\"action\":\"pause\"}").expectStatus().isOk()
                    .expectBody().jsonPath("$.paused").isEqualTo(true);
            ship.put("held-1");
            ship.put("held-2");
            client.get().uri("/actuator/supervisor/ship").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.paused").isEqualTo(true).jsonPath("$.queueSize").isEqualTo(2);
            assertThat(ship.awaitIdle(Duration.ofMillis(200))).as("holding its items").isFalse();
            assertThat(jobs.shipped()).doesNotContain("held-1", "held-2");

            post("/actuator/supervisor/ship", "{\"action\":\"resume\"}")
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.paused").isEqualTo(false);
            assertThat(ship.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(jobs.shipped()).containsSubsequence("held-1", "held-2");
            assertThat(logs.messages(Level.INFO)).containsExactly(
                    "Supervisor endpoint: an anonymous caller asks to pause worker 'ship'",
                    "Supervisor endpoint: an anonymous caller asks to pause worker 'ship'",
                    "Supervisor endpoint: an anonymous caller asks to resume worker 'ship'");
        } finally {
            if (ship.isPaused()) {
                ship.resume();
            }
        }
    }

    @Test
    void stoppingAPausedQueueWorkerDrainsWhatItHeld() {
        QueueWorker<String> ship = supervisor.getQueueWorker("ship", String.class);
        post("/actuator/supervisor/ship", "{\"action\":\"pause\"}").expectStatus().isOk();
        ship.put("held-until-stop");
        post("/actuator/supervisor/ship", "{\"action\":\"stop\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("STOPPED").jsonPath("$.paused").isEqualTo(false);
        assertThat(jobs.shipped()).contains("held-until-stop");
    }

    @Test
    void triggeringAnEventWorkerRunsIt() {
        int before = jobs.refreshes();
        post("/actuator/supervisor/refresh", "{\"action\":\"trigger\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.kind").isEqualTo("EVENT");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.refreshes() == before + 1);
    }

    private RestTestClient.ResponseSpec post(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json).exchange();
    }
}
