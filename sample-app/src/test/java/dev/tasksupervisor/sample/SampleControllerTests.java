package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * The sample's REST side over a real port, where its workers are not in their everyday state: invalid orders
 * are a 400 that says what is wrong, a stopped queue a 503, a full one a 429 (each with a JSON body), never a
 * 500; a paused queue still takes orders. The endpoint's writes are allowed here, as an operator would have
 * them, so the stop comes through the endpoint as it did in the finding.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoint.supervisor.access=unrestricted", "spring.main.banner-mode=off"})
class SampleControllerTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private TaskSupervisor supervisor;

    @Autowired
    private Shipping shipping;

    @AfterEach
    void everyWorkerRunsAgain() throws InterruptedException {
        QueueWorker<Order> ship = supervisor.getQueueWorker("ship", Order.class);
        if (ship.isPaused()) {
            ship.resume();
        }
        for (BackgroundWorker worker : supervisor.getWorkers()) {
            if (worker.isStopped()) {
                worker.start();
            }
        }
        assertThat(ship.awaitIdle(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void aValidOrderIsQueued() throws Exception {
        HttpResponse<String> answer = post("/orders", "{\"id\":\"V-1\",\"item\":\"pen\",\"quantity\":2}");
        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(json(answer)).containsEntry("queued", "V-1");
        HttpResponse<String> withoutId = post("/orders", "{\"item\":\"ink\",\"quantity\":1}");
        assertThat(withoutId.statusCode()).isEqualTo(202);
        assertThat((String) json(withoutId).get("queued")).isNotBlank();
    }

    @Test
    void anInvalidOrderIsABadRequestThatSaysWhatIsWrong() throws Exception {
        badRequest("{\"id\":\"B-1\",\"quantity\":2}", "item is required: the thing to ship, e.g. \"pen\"");
        badRequest("{\"id\":\"B-1\",\"item\":\"  \",\"quantity\":2}", "item is required: the thing to ship, e.g. \"pen\"");
        badRequest("{\"id\":\"B-1\",\"item\":\"pen\"}", "quantity is required: how many to ship, from 1 to 1000");
        badRequest("{\"id\":\"B-1\",\"item\":\"pen\",\"quantity\":0}", "quantity must be between 1 and 1000, was 0");
        badRequest("{\"id\":\"B-1\",\"item\":\"pen\",\"quantity\":-3}", "quantity must be between 1 and 1000, was -3");
        badRequest("{\"id\":\"B-1\",\"item\":\"pen\",\"quantity\":5000}", "quantity must be between 1 and 1000, was 5000");
        badRequest("{\"id\":\"" + "x".repeat(65) + "\",\"item\":\"pen\",\"quantity\":1}",
                "id must be at most 64 characters, or left out to get one");
        badRequest("{\"id\":\"B-1\",\"item\":\"" + "p".repeat(201) + "\",\"quantity\":1}", "item must be at most 200 characters");
        String notAnOrder = "the body must be an order as JSON, e.g. {\"id\":\"A-1\",\"item\":\"pen\",\"quantity\":2}";
        badRequest("{\"item\":\"pen\",\"quantity\":\"two\"}", notAnOrder);
        badRequest("{\"item\":\"pen\",", notAnOrder);
        badRequest("", notAnOrder);
        badRequest("[1,2]", notAnOrder);
        assertThat(shipping.shipped()).noneMatch(id -> id.startsWith("B-"));
    }

    @Test
    void anOrderForAStoppedQueueIsServiceUnavailableNotAServerError() throws Exception {
        HttpResponse<String> stop = post("/actuator/supervisor/ship", "{\"action\":\"stop\"}");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        HttpResponse<String> answer = post("/orders", "{\"id\":\"S-1\",\"item\":\"pen\",\"quantity\":1}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(json(answer)).containsEntry("error", "Service Unavailable").containsEntry("message",
                "orders are not being taken now: shipping is STOPPED; try again later");
        assertThat(((Number) json(answer).get("status")).intValue()).isEqualTo(503);

        assertThat(post("/actuator/supervisor/ship", "{\"action\":\"start\"}").statusCode()).isEqualTo(200);
        assertThat(post("/orders", "{\"id\":\"S-2\",\"item\":\"pen\",\"quantity\":1}").statusCode()).isEqualTo(202);
    }

    @Test
    void aRefreshOfAStoppedCacheWorkerIsServiceUnavailableToo() throws Exception {
        supervisor.getWorker("refreshCache").stop();
        HttpResponse<String> answer = post("/cache/refresh", "");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(json(answer)).containsEntry("message",
                "the cache cannot be refreshed now: refreshCache is STOPPED; try again later");
    }

    @Test
    void aPausedQueueStillTakesOrdersAndAFullOneIsTooManyRequests() throws Exception {
        QueueWorker<Order> ship = supervisor.getQueueWorker("ship", Order.class);
        HttpResponse<String> pause = post("/actuator/supervisor/ship", "{\"action\":\"pause\"}");
        assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
        assertThat(post("/orders", "{\"id\":\"P-0\",\"item\":\"pen\",\"quantity\":1}").statusCode()).isEqualTo(202);
        for (int i = 1; ship.getQueueSize() < ship.getCapacity(); i++) {
            ship.put(new Order("P-" + i, "pen", 1)); // fills the held queue up to its capacity
        }
        HttpResponse<String> answer = post("/orders", "{\"id\":\"F-1\",\"item\":\"pen\",\"quantity\":1}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(answer)).containsEntry("error", "Too Many Requests").containsEntry("message",
                "too many orders are waiting to ship (1000): try again in a moment");

        assertThat(post("/actuator/supervisor/ship", "{\"action\":\"resume\"}").statusCode()).isEqualTo(200);
        assertThat(ship.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(shipping.shipped()).contains("P-0").doesNotContain("F-1");
    }

    private void badRequest(String body, String message) throws Exception {
        HttpResponse<String> answer = post("/orders", body);
        assertThat(answer.statusCode()).as(body + " -> " + answer.body()).isEqualTo(400);
        Map<String, Object> error = json(answer);
        assertThat(((Number) error.get("status")).intValue()).isEqualTo(400);
        assertThat(error).containsEntry("error", "Bad Request").containsEntry("message", message);
    }

    private static Map<String, Object> json(HttpResponse<String> answer) {
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        return JsonParserFactory.getJsonParser().parseMap(answer.body());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
