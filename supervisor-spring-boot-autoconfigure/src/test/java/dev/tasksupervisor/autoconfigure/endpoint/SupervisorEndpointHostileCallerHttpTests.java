package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * The findings of a hostile caller against the writable endpoint, over a real port: each request acted on
 * something else than its path says, or answered with more than it should. Each is now a 400 that changes
 * nothing.
 */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=hostile", "supervisor.pool.min-size=2", "supervisor.pool.max-size=12",
                "supervisor.aloops.io.default=true", "management.endpoints.web.exposure.include=supervisor",
                "management.endpoint.supervisor.access=unrestricted", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorEndpointHostileCallerHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private TaskSupervisor supervisor;

    @AfterEach
    void everyWorkerIsStillActiveAndThePoolUnchanged() {
        for (BackgroundWorker worker : supervisor.getWorkers()) {
            assertThat(worker.isActive()).as(worker.getName()).isTrue();
        }
        assertThat(supervisor.getPoolSettings().minSize()).isEqualTo(2);
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(12);
    }

    @Test
    void aNameInTheBodyDoesNotTakeTheWorkerFromThePath() {
        badRequest("/actuator/supervisor/ship", "{\"action\":\"stop\",\"name\":\"tick\"}", "the body has a field 'name' "
                + "that this write does not take: it takes only action, cron, delay, interval, zone; the worker acted on "
                + "is the one in the path");
    }

    @Test
    void aNameInTheQueryDoesNotTakeTheWorkerFromThePath() {
        badRequest("/actuator/supervisor/ship?name=refresh", "{\"action\":\"stop\"}", "the supervisor endpoint takes "
                + "no query parameters (got 'name=refresh'): the worker is the one in the path, and a write's fields "
                + "(action, cron, delay, interval, zone) go in its JSON body");
        client.get().uri("/actuator/supervisor/ship?name=tick").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").isEqualTo("the supervisor endpoint takes no query parameters (got "
                        + "'name=tick'): the worker is the one in the path, and a write's fields (action, cron, delay, "
                        + "interval, zone) go in its JSON body");
    }

    @Test
    void anActionInTheQueryDoesNotBeatTheBody() {
        badRequest("/actuator/supervisor/ship?action=stop", "{\"action\":\"start\"}", "the supervisor endpoint takes "
                + "no query parameters (got 'action=stop'): the worker is the one in the path, and a write's fields "
                + "(action, cron, delay, interval, zone) go in its JSON body");
    }

    @Test
    void anActionIsMatchedExactly() {
        badRequest("/actuator/supervisor/ship", "{\"action\":\"stop\\u0000\"}", "unknown action 'stop\\u0000' for "
                + "worker 'ship': give action start, stop, restart, trigger, pause, resume, reschedule, requeue-dead-letters or delete-dead-letters");
        badRequest("/actuator/supervisor/ship", "{\"action\":\" Stop\"}", "unknown action ' Stop' for worker 'ship': "
                + "give action start, stop, restart, trigger, pause, resume, reschedule, requeue-dead-letters or delete-dead-letters");
    }

    @Test
    void aHugeValueIsNotEchoedBack() {
        String huge = "x".repeat(1_000_000); // the probe sent 5 MB: past Tomcat's swallow limit the connection would close first
        byte[] answer = client.post().uri("/actuator/supervisor").contentType(MediaType.APPLICATION_JSON)
                .body("{\"maxSize\":\"" + huge + "\"}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").isEqualTo("the body of a write to the supervisor endpoint is at "
                        + "most 8192 bytes; this one is longer")
                .returnResult().getResponseBody();
        assertThat(answer).hasSizeLessThan(1_000);
        byte[] small = client.post().uri("/actuator/supervisor").contentType(MediaType.APPLICATION_JSON)
                .body("{\"maxSize\":\"" + "y".repeat(5_000) + "\"}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().returnResult().getResponseBody();
        assertThat(small).hasSizeLessThan(1_000);
    }

    @Test
    void aResizeAboveTheEndpointsLimitIsRefused() {
        badRequest("/actuator/supervisor", "{\"minSize\":2000,\"maxSize\":2000}", "minSize is 2000, above the 1000 "
                + "threads the endpoint sets: set larger pools in the configuration (supervisor.pool.min-size and "
                + "max-size)");
        badRequest("/actuator/supervisor", "{\"maxSize\":2147483647}", "maxSize is 2147483647, above the 1000 threads "
                + "the endpoint sets: set larger pools in the configuration (supervisor.pool.min-size and max-size)");
    }

    @Test
    void aFieldThePoolDoesNotTake() {
        badRequest("/actuator/supervisor", "{\"maxSize\":8,\"keepAlive\":\"1s\"}", "the body has a field 'keepAlive' "
                + "that this write does not take: it takes only maxSize, minSize");
    }

    private void badRequest(String path, String json, String message) {
        client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json).exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.error").isEqualTo("Bad Request")
                .jsonPath("$.message").isEqualTo(message);
    }
}
