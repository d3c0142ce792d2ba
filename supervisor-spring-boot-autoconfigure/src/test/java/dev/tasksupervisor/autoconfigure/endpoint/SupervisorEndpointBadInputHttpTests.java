package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

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
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.WorkerState;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * The catalogue of bad input to the {@code supervisor} endpoint over HTTP (issue #7, "Bad input"), with writes
 * allowed: each case is a 400, 404 or 409 whose body names the parameter, worker or state and says what to do,
 * never a 500. A write while the endpoint is read-only (its default) is a 403, in
 * {@link SupervisorEndpointHttpTests#writesAreForbiddenWhileAccessIsReadOnlyAndTheAnswerSaysWhatToSet} and
 * {@link SupervisorEndpointManagementPortHttpTests}. The properties are those of
 * {@link SupervisorEndpointWriteHttpTests}, so both run in one application.
 */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=writable", "supervisor.pool.min-size=2", "supervisor.pool.max-size=12",
                "supervisor.aloops.io.default=true", "management.endpoints.web.exposure.include=supervisor",
                "management.endpoint.supervisor.access=unrestricted", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorEndpointBadInputHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private TaskSupervisor supervisor;

    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void nothingChanged() throws InterruptedException {
        release.countDown();
        supervisor.findWorker("slow").ifPresent(worker -> {
            worker.stop(Duration.ofSeconds(10));
            supervisor.unregisterScheduler(worker);
        });
        assertThat(supervisor.getPoolSettings().minSize()).isEqualTo(2);
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(12);
        for (String name : new String[] {"tick", "refresh", "ship", "poll"}) {
            assertThat(supervisor.getWorker(name).isActive()).as(name).isTrue();
        }
    }

    // ------------------------------------------------------------------ resizing the pool

    @Test
    void sizeThatIsNoWholeNumber() {
        badRequest("/actuator/supervisor", "{\"maxSize\":\"abc\"}", "maxSize must be a whole number of threads, was 'abc'");
        badRequest("/actuator/supervisor", "{\"minSize\":\"lots\"}", "minSize must be a whole number of threads, was 'lots'");
        badRequest("/actuator/supervisor", "{\"maxSize\":2.5}", "maxSize must be a whole number of threads, was '2.5'");
        badRequest("/actuator/supervisor", "{\"maxSize\":true}", "maxSize must be a whole number of threads, was 'true'");
        badRequest("/actuator/supervisor", "{\"maxSize\":99999999999}",
                "maxSize must be a whole number of threads, was '99999999999'");
    }

    @Test
    void negativeSize() {
        badRequest("/actuator/supervisor", "{\"minSize\":-1}",
                "pool minSize must not be negative, was -1: set it to 0 or more");
        badRequest("/actuator/supervisor", "{\"maxSize\":-4}", "pool maxSize must be at least 1, was -4: set it to 1 or more");
        badRequest("/actuator/supervisor", "{\"minSize\":0,\"maxSize\":0}",
                "pool maxSize must be at least 1, was 0: set it to 1 or more");
    }

    @Test
    void minSizeAboveMaxSize() {
        badRequest("/actuator/supervisor", "{\"minSize\":9,\"maxSize\":3}",
                "pool minSize (9) must not be above maxSize (3): lower minSize or raise maxSize");
        // One size alone is checked against the other's current value.
        badRequest("/actuator/supervisor", "{\"maxSize\":1}",
                "pool minSize (2) must not be above maxSize (1): lower minSize or raise maxSize");
    }

    @Test
    void noSize() {
        String reason = "give minSize, maxSize or both to resize the pool of task supervisor 'writable'";
        badRequest("/actuator/supervisor", "{}", reason);
        badRequest("/actuator/supervisor", "{\"minSize\":null,\"maxSize\":null}", reason);
    }

    @Test
    void bodyThatIsNoJsonObjectOfValuesIsABadRequestNotAServerError() {
        // Spring MVC reads the body before the endpoint sees it: its own 400, whose reason Boot keeps out of
        // the answer unless server.error.include-message is set.
        for (String body : new String[] {"{", "[1,2]", "{\"maxSize\":[1]}", "{\"maxSize\":{\"threads\":1}}"}) {
            post("/actuator/supervisor", body).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.status").isEqualTo(400);
        }
    }

    // ------------------------------------------------------------------ worker actions

    @Test
    void unknownWorker() {
        for (String action : new String[] {"start", "stop", "restart", "trigger", "pause", "resume"}) {
            post("/actuator/supervisor/nobody", "{\"action\":\"" + action + "\"}")
                    .expectStatus().isNotFound()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo(404)
                    .jsonPath("$.error").isEqualTo("Not Found")
                    .jsonPath("$.message").isEqualTo("task supervisor 'writable' has no worker named 'nobody'; its "
                            + "workers are [poll, refresh, ship, tick]");
        }
    }

    @Test
    void unknownAction() {
        badRequest("/actuator/supervisor/tick", "{\"action\":\"hold\"}",
                "unknown action 'hold' for worker 'tick': give action start, stop, restart, trigger, pause, resume, reschedule, requeue-dead-letters or delete-dead-letters");
        badRequest("/actuator/supervisor/tick", "{\"action\":5}",
                "unknown action '5' for worker 'tick': give action start, stop, restart, trigger, pause, resume, reschedule, requeue-dead-letters or delete-dead-letters");
    }

    @Test
    void aRescheduleThatIsNotExactlyOneValidScheduleForAnIntervalWorker() {
        badRequest("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"cron\":\"0 */5 * * *\"}",
                "'0 */5 * * *' is not a cron expression: Cron expression must consist of 6 fields (found 5 in "
                        + "\"0 */5 * * *\"); use Spring's six fields (second minute hour day-of-month month day-of-week), "
                        + "such as \"0 */5 * * * *\", or a macro such as @hourly");
        badRequest("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"cron\":\"@daily\",\"interval\":\"1s\"}",
                "a reschedule of worker 'tick' takes exactly one of interval (a fixed rate, such as \"30s\"), delay (a "
                        + "pause after each run) or cron (such as \"0 */5 * * * *\"); got 2");
        badRequest("/actuator/supervisor/tick", "{\"action\":\"reschedule\"}",
                "a reschedule of worker 'tick' takes exactly one of interval (a fixed rate, such as \"30s\"), delay (a "
                        + "pause after each run) or cron (such as \"0 */5 * * * *\"); got 0");
        badRequest("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"interval\":\"1s\",\"zone\":\"UTC\"}",
                "zone goes with cron only: it is what the cron expression is read in");
        badRequest("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"cron\":\"@daily\",\"zone\":\"Mars/Base\"}",
                "zone 'Mars/Base' is not a time zone: use a region ID such as Europe/Paris, or UTC");
        badRequest("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"interval\":\"soon\"}",
                "interval 'soon' is not a duration: use one such as 500ms, 30s, 5m or PT10S");
        badRequest("/actuator/supervisor/tick", "{\"action\":\"reschedule\",\"delay\":\"0s\"}",
                "worker 'tick': delay must be positive, was PT0S: set a positive duration, such as 1s");
        badRequest("/actuator/supervisor/ship", "{\"action\":\"reschedule\",\"interval\":\"1s\"}",
                "worker 'ship' is a QUEUE worker, which has no schedule: only interval workers can be rescheduled");
        badRequest("/actuator/supervisor/tick", "{\"action\":\"stop\",\"interval\":\"1s\"}",
                "interval, delay, cron and zone go with action reschedule only, not with stop");
        assertThat(supervisor.getWorker("tick").getSchedule()).isEqualTo("every PT0.1S");
    }

    @Test
    void noAction() {
        badRequest("/actuator/supervisor/tick", "{}",
                "no action for worker 'tick': give action start, stop, restart, trigger, pause, resume, reschedule, requeue-dead-letters or delete-dead-letters");
        badRequest("/actuator/supervisor/tick", "{\"action\":null}",
                "no action for worker 'tick': give action start, stop, restart, trigger, pause, resume, reschedule, requeue-dead-letters or delete-dead-letters");
    }

    @Test
    void triggerOfAWorkerWithoutTrigger() {
        badRequest("/actuator/supervisor/ship", "{\"action\":\"trigger\"}",
                "worker 'ship' is a QUEUE worker, which has no trigger: only event and interval workers do");
        badRequest("/actuator/supervisor/poll", "{\"action\":\"trigger\"}",
                "worker 'poll' is an ASYNC worker, which has no trigger: only event and interval workers do");
    }

    @Test
    void pauseOrResumeOfAWorkerThatIsNoQueueWorker() {
        badRequest("/actuator/supervisor/tick", "{\"action\":\"pause\"}", "worker 'tick' is an INTERVAL worker, "
                + "which cannot pause: only queue workers hold items while paused; stop it instead");
        badRequest("/actuator/supervisor/refresh", "{\"action\":\"resume\"}", "worker 'refresh' is an EVENT worker, "
                + "which cannot resume: only queue workers hold items while paused; stop it instead");
    }

    @Test
    void pauseOrResumeOfAStoppedQueueWorker() {
        supervisor.getWorker("ship").stop();
        try {
            conflict("/actuator/supervisor/ship", "{\"action\":\"pause\"}",
                    "queue worker 'ship' is STOPPED: only an active worker can be paused; start it first");
            conflict("/actuator/supervisor/ship", "{\"action\":\"resume\"}",
                    "queue worker 'ship' is STOPPED: only an active worker can be resumed; start it first");
        } finally {
            supervisor.getWorker("ship").start();
        }
    }

    @Test
    void triggerOfAStoppedWorker() {
        supervisor.getWorker("refresh").stop();
        try {
            conflict("/actuator/supervisor/refresh", "{\"action\":\"trigger\"}",
                    "event worker 'refresh' is STOPPED: start it before triggering it");
        } finally {
            supervisor.getWorker("refresh").start();
        }
    }

    @Test
    void startOrTriggerOfAWorkerStillStopping() throws InterruptedException {
        BackgroundWorker slow = stoppingWorker();
        conflict("/actuator/supervisor/slow", "{\"action\":\"start\"}", "worker 'slow' is still STOPPING (finishing "
                + "its run or draining its queue): start it once it has stopped (awaitStop)");
        conflict("/actuator/supervisor/slow", "{\"action\":\"trigger\"}",
                "event worker 'slow' is STOPPING: start it before triggering it");
        client.get().uri("/actuator/supervisor/slow").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("STOPPING");
        release.countDown();
        assertThat(slow.awaitStop(Duration.ofSeconds(10))).isTrue();
        post("/actuator/supervisor/slow", "{\"action\":\"start\"}").expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("ACTIVE");
    }

    /** An event worker of its own, stopping: its run waits for {@link #release}. */
    private BackgroundWorker stoppingWorker() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        EventWorker slow = new EventWorker(supervisor, "slow", WorkerTarget.of(() -> {
            running.countDown();
            release.await();
        }));
        slow.start();
        slow.trigger();
        running.await();
        slow.requestStop();
        assertThat(slow.getState()).isEqualTo(WorkerState.STOPPING);
        return slow;
    }

    // ------------------------------------------------------------------ helpers

    private RestTestClient.ResponseSpec post(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json).exchange();
    }

    private void badRequest(String path, String json, String reason) {
        post(path, json)
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.error").isEqualTo("Bad Request")
                .jsonPath("$.message").isEqualTo(reason);
    }

    private void conflict(String path, String json, String reason) {
        post(path, json)
                .expectStatus().isEqualTo(409)
                .expectBody()
                .jsonPath("$.status").isEqualTo(409)
                .jsonPath("$.error").isEqualTo("Conflict")
                .jsonPath("$.message").isEqualTo(reason);
    }
}
