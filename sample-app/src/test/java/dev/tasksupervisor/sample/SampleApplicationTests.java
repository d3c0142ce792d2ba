package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.WorkerKind;

/** The sample application on a real server: every kind of worker runs, and orders posted over HTTP ship. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.heartbeat=100ms", "supervisor.workers.price-report.interval=100ms",
                "supervisor.workers.heartbeat.initial-delay=0s", "spring.main.banner-mode=off"})
class SampleApplicationTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private TaskSupervisor supervisor;

    @Autowired
    private Shipping shipping;

    @Autowired
    private CacheRefresher cacheRefresher;

    @Autowired
    private Heartbeat heartbeat;

    @Autowired
    private PricePoller pricePoller;

    @Autowired
    private AuditTrail audit;

    @Autowired
    private Invoicing invoicing;

    @Test
    void everyKindOfWorkerIsRegisteredAndRunning() {
        assertThat(supervisor.info().workers()).extracting(info -> info.name() + ":" + info.kind())
                .containsExactlyInAnyOrder("heartbeat:" + WorkerKind.INTERVAL, "ship:" + WorkerKind.QUEUE,
                        "refreshCache:" + WorkerKind.EVENT, "pollPrices:" + WorkerKind.ASYNC,
                        "priceReport:" + WorkerKind.INTERVAL, "writeAudit:" + WorkerKind.PLAIN,
                        "invoice:" + WorkerKind.QUEUE);
        assertThat(supervisor.getWorkers()).allMatch(worker -> worker.isActive());
        await().atMost(Duration.ofSeconds(20)).until(() -> heartbeat.beats() >= 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> pricePoller.polls() >= 2 && pricePoller.reports() >= 2);
        assertThat(pricePoller.lastThread()).isEqualTo("supervisor_aloop_io");
    }

    @Test
    void postedOrdersAreShippedInOrderAndAudited() throws Exception {
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> response = post("/orders", "{\"id\":\"T-" + i + "\",\"item\":\"pen\",\"quantity\":" + i + "}");
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(response.body()).contains("\"queued\":\"T-" + i + "\"");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> shipping.shipped().containsAll(
                List.of("T-1", "T-2", "T-3", "T-4", "T-5")));
        assertThat(shipping.shipped()).filteredOn(id -> id.startsWith("T-")).containsExactly("T-1", "T-2", "T-3", "T-4", "T-5");
        HttpResponse<String> shipped = http.send(HttpRequest.newBuilder(uri("/orders/shipped")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(shipped.body()).contains("\"T-5\"");
        await().atMost(Duration.ofSeconds(20)).until(() -> audit.written().contains("order T-5 shipped"));
        // Each shipped order's invoice went through the durable queue, in the embedded database, once.
        await().atMost(Duration.ofSeconds(20)).until(() -> invoicing.sent().containsAll(
                List.of("T-1", "T-2", "T-3", "T-4", "T-5")));
        assertThat(invoicing.sent()).filteredOn(id -> id.startsWith("T-")).containsExactly("T-1", "T-2", "T-3", "T-4",
                "T-5");
        assertThat(supervisor.getWorker("invoice")).isInstanceOf(DurableQueueWorker.class);
    }

    @Test
    void refreshEndpointTriggersTheEventWorker() throws Exception {
        int before = cacheRefresher.refreshes();
        assertThat(post("/cache/refresh", "").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> cacheRefresher.refreshes() > before);
    }

    @Test
    void workersEndpointListsTheWorkers() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/workers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"name\":\"ship\"").contains("\"kind\":\"QUEUE\"");
    }

    @Test
    void theSupervisorEndpointHealthAndMetricsAreExposed() throws Exception {
        HttpResponse<String> endpoint = get("/actuator/supervisor");
        assertThat(endpoint.statusCode()).isEqualTo(200);
        assertThat(endpoint.body()).contains("\"id\":\"default\"").contains("\"maxSize\":16")
                .contains("\"name\":\"pollPrices\"").contains("\"aloop\":\"io\"");
        assertThat(get("/actuator/supervisor/ship").body()).contains("\"kind\":\"QUEUE\"");
        assertThat(get("/actuator/supervisor/nobody").statusCode()).isEqualTo(404);
        HttpResponse<String> health = get("/actuator/health/supervisor");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"maxSize\":16");
        assertThat(get("/actuator/metrics/executor.active?tag=name:supervisor").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> heartbeat.beats() >= 1);
        String prometheus = get("/actuator/prometheus").body();
        // Beside Boot's own executor: same meter names and tag keys, so Prometheus takes both.
        assertThat(prometheus).contains("executor_active_threads{name=\"supervisor\"}")
                .contains("executor_active_threads{name=\"applicationTaskExecutor\"}")
                .contains("supervisor_worker_runs_seconds_count{").contains("worker=\"heartbeat\"")
                .contains("supervisor_worker_queue_size_items{").contains("supervisor_aloop_pending_tasks{");
    }

    @Test
    void theEndpointsWritesAreOffUnlessAccessIsUnrestricted() throws Exception {
        for (HttpResponse<String> write : List.of(post("/actuator/supervisor", "{\"maxSize\":4}"),
                post("/actuator/supervisor/heartbeat", "{\"action\":\"stop\"}"))) {
            assertThat(write.statusCode()).isEqualTo(403);
            assertThat(write.body()).contains("set management.endpoint.supervisor.access=unrestricted");
        }
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(16);
        assertThat(supervisor.getWorker("heartbeat").isActive()).isTrue();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
