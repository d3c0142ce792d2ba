package dev.tasksupervisor.autoconfigure.page;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;

/**
 * The live page on a real server, enabled, with the endpoint read-only as it is by default: the page is told so
 * and shows no actions (in a browser: the sample app's {@code LivePageReadOnlyBrowserTests}), and a write posted
 * anyway is refused by the endpoint.
 */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=paged", "supervisor.aloops.io.default=true", "supervisor.page.enabled=true",
                "management.endpoints.web.exposure.include=supervisor", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorPageHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private TaskSupervisor supervisor;

    @Test
    void thePageIsServedUnderTheActuatorAndToldTheEndpointIsReadOnly() {
        client.get().uri("/actuator/supervisor-page").exchange()
                .expectStatus().isFound()
                .expectHeader().valueEquals("Location", "supervisor-page/");
        client.get().uri("/actuator/supervisor-page/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("text/html;charset=UTF-8")
                .expectBody(String.class).value(page -> assertThat(page)
                        .contains("data-endpoint=\"../supervisor\" data-writable=\"false\""));
        client.get().uri("/actuator/supervisor-page/page.js").exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("text/javascript;charset=UTF-8");
        client.get().uri("/actuator/supervisor-page/page.css").exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("text/css;charset=UTF-8");
    }

    @Test
    void theEndpointThePageReadsAnswersWhereThePageLooksForIt() {
        // ../supervisor from /actuator/supervisor-page/
        client.get().uri("/actuator/supervisor").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo("paged");
    }

    @Test
    void aWritePostedAnywayIsRefusedByTheEndpoint() {
        client.post().uri("/actuator/supervisor/tick").contentType(MediaType.APPLICATION_JSON)
                .body("{\"action\":\"stop\"}").exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("management.endpoint.supervisor.access=unrestricted"));
        assertThat(supervisor.getWorker("tick").isActive()).isTrue();
    }

    @Test
    void otherPathsAndMethodsAreNotThePages() {
        client.get().uri("/actuator/supervisor-page/missing.js").exchange().expectStatus().isNotFound();
        client.get().uri("/supervisor-page/").exchange().expectStatus().isNotFound();
        client.post().uri("/actuator/supervisor-page/").contentType(MediaType.APPLICATION_JSON).body("{}").exchange()
                .expectStatus().value(status -> assertThat(status).isIn(404, 405));
    }
}
