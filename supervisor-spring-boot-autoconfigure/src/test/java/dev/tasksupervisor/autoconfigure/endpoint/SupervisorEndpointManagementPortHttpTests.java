package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;

/**
 * The 403 for a write to the read-only endpoint where the actuator has a port, a base path and a path for the
 * endpoint of its own (the management child context), and writes are capped for every endpoint by
 * {@code management.endpoints.access.max-permitted}, which the answer then names.
 */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=managed", "supervisor.aloops.io.default=true", "management.server.port=0",
                "management.endpoints.web.base-path=/manage", "management.endpoints.web.path-mapping.supervisor=tasks",
                "management.endpoints.web.exposure.include=supervisor,health",
                "management.endpoint.supervisor.access=unrestricted",
                "management.endpoints.access.max-permitted=read-only", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorEndpointManagementPortHttpTests {

    @Autowired
    private RestTestClient serverPort;

    @LocalManagementPort
    private int port;

    @LocalServerPort
    private int applicationPort;

    @Autowired
    private TaskSupervisor supervisor;

    private RestTestClient managementPort;

    @BeforeEach
    void clientOfTheManagementPort() {
        managementPort = RestTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    @Test
    void writesOnTheManagementPortAreForbiddenAndTheAnswerNamesTheCap() {
        int maxBefore = supervisor.getPoolSettings().maxSize();
        for (String[] write : new String[][] {{"/manage/tasks", "{\"maxSize\":3}"},
                {"/manage/tasks/tick", "{\"action\":\"stop\"}"}}) {
            managementPort.post().uri(write[0]).contentType(MediaType.APPLICATION_JSON).body(write[1]).exchange()
                    .expectStatus().isForbidden()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo(403)
                    .jsonPath("$.message").isEqualTo("The supervisor endpoint is read-only: "
                            + "management.endpoints.access.max-permitted (read-only) allows no writes to any endpoint. "
                            + "To allow resizing the pool and starting, stopping, restarting, triggering, pausing or "
                            + "resuming workers, raise it to unrestricted and set management.endpoint.supervisor.access=unrestricted "
                            + "(secure the endpoint first if it can be reached from outside).");
        }
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(maxBefore);
        assertThat(supervisor.getWorker("tick").isActive()).isTrue();
    }

    @Test
    void readsAndOtherEndpointsAndTheServerPortAreUntouched() {
        managementPort.get().uri("/manage/tasks/tick").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("tick");
        managementPort.post().uri("/manage/health").contentType(MediaType.APPLICATION_JSON).body("{}").exchange()
                .expectStatus().isEqualTo(405);
        serverPort.post().uri("/manage/tasks").contentType(MediaType.APPLICATION_JSON).body("{\"maxSize\":3}")
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void aPathTheServerRefusesIsTheEndpointsJsonErrorOnTheManagementPortOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> managed = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/manage/tasks/a%2Fb")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(managed.statusCode()).isEqualTo(400);
        assertThat(managed.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(managed.body()).contains("the endpoint's paths are /manage/tasks/{worker} and "
                + "/manage/tasks/{worker}/dead-letters");
        HttpResponse<String> application = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + applicationPort + "/manage/tasks/a%2Fb")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(application.statusCode()).isEqualTo(400);
        assertThat(application.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
    }
}
