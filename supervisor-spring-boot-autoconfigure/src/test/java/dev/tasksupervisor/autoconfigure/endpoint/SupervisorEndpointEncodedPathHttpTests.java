package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;

/**
 * Paths under the {@code supervisor} endpoint that Tomcat refuses before any servlet runs (an encoded
 * {@code /} or {@code \} in a worker's name): still a 400, answered with the endpoint's JSON error rather than
 * Tomcat's HTML page; other paths keep Tomcat's answer. Sent with {@link HttpClient}, which sends the path
 * as written ({@code %2F} stays {@code %2F}). The properties are those of {@link SupervisorEndpointWriteHttpTests}.
 */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=writable", "supervisor.pool.min-size=2", "supervisor.pool.max-size=12",
                "supervisor.aloops.io.default=true", "management.endpoints.web.exposure.include=supervisor",
                "management.endpoint.supervisor.access=unrestricted", "spring.main.banner-mode=off"})
class SupervisorEndpointEncodedPathHttpTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private TaskSupervisor supervisor;

    @Test
    void anEncodedSlashInAWorkersNameIsTheEndpointsJsonError() throws Exception {
        HttpResponse<String> answer = get("/actuator/supervisor/a%2Fb");
        assertJsonBadRequest(answer, "/actuator/supervisor/a%2Fb");
    }

    @Test
    void anEncodedBackslashOrALowerCaseEscapeToo() throws Exception {
        assertJsonBadRequest(get("/actuator/supervisor/a%5Cb"), "/actuator/supervisor/a%5Cb");
        assertJsonBadRequest(get("/actuator/supervisor/ship%2fdead-letters"), "/actuator/supervisor/ship%2fdead-letters");
        assertJsonBadRequest(get("/actuator/supervisor/ship/dead%2Fletters"), "/actuator/supervisor/ship/dead%2Fletters");
    }

    @Test
    void aWriteWithAnEncodedSlashIsRefusedWithJsonAndChangesNothing() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/actuator/supervisor/ship%2F..%2Ftick")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"stop\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertJsonBadRequest(answer, "/actuator/supervisor/ship%2F..%2Ftick");
        assertThat(supervisor.getWorker("ship").isActive()).isTrue();
        assertThat(supervisor.getWorker("tick").isActive()).isTrue();
    }

    @Test
    void aLongPathIsNotEchoedInFull() throws Exception {
        String path = "/actuator/supervisor/a%2F" + "b".repeat(5_000);
        HttpResponse<String> answer = get(path);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).hasSizeLessThan(1_000);
    }

    @Test
    void otherPathsKeepTomcatsAnswer() throws Exception {
        for (String path : new String[] {"/elsewhere/a%2Fb", "/actuator/supervisors/a%2Fb", "/actuator/a%2Fb"}) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/html"));
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertJsonBadRequest(HttpResponse<String> answer, String path) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        Map<String, Object> body = JsonParserFactory.getJsonParser().parseMap(answer.body());
        assertThat(((Number) body.get("status")).intValue()).isEqualTo(400);
        assertThat(body).containsEntry("error", "Bad Request");
        assertThat((String) body.get("message")).isEqualTo("the server refused the path '" + path + "' before the "
                + "supervisor endpoint saw it: a worker's name in the path cannot hold an encoded '/' or '\\' (%2F, "
                + "%5C); the endpoint's paths are /actuator/supervisor/{worker} and "
                + "/actuator/supervisor/{worker}/dead-letters");
    }
}
