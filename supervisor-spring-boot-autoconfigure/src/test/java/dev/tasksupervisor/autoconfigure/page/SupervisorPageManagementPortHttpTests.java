package dev.tasksupervisor.autoconfigure.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.autoconfigure.ObservedApplication;

/**
 * The live page where the actuator has a port, a base path and a path for the endpoint of its own (the
 * management child context), with the endpoint's writes allowed: the page is there, not on the server port, and
 * told where the endpoint is and that its actions are allowed.
 */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=paged-apart", "supervisor.aloops.io.default=true", "supervisor.page.enabled=true",
                "management.server.port=0", "management.endpoints.web.base-path=/manage",
                "management.endpoints.web.path-mapping.supervisor=tasks",
                "management.endpoints.web.exposure.include=supervisor",
                "management.endpoint.supervisor.access=unrestricted", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorPageManagementPortHttpTests {

    @Autowired
    private RestTestClient serverPort;

    @LocalManagementPort
    private int port;

    @Autowired
    private ObservedApplication.Jobs jobs;

    private RestTestClient managementPort;

    @BeforeEach
    void clientOfTheManagementPort() {
        managementPort = RestTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    @Test
    void thePageIsOnTheManagementPortUnderItsBasePathAndToldTheEndpointsPathAndThatItIsWritable() {
        managementPort.get().uri("/manage/supervisor-page").exchange()
                .expectStatus().isFound()
                .expectHeader().valueEquals("Location", "supervisor-page/");
        managementPort.get().uri("/manage/supervisor-page/").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(page -> assertThat(page)
                        .contains("data-endpoint=\"../tasks\" data-writable=\"true\""));
        managementPort.get().uri("/manage/supervisor-page/page.js").exchange().expectStatus().isOk();
        serverPort.get().uri("/manage/supervisor-page/").exchange().expectStatus().isNotFound();
        serverPort.get().uri("/actuator/supervisor-page/").exchange().expectStatus().isNotFound();
    }

    @Test
    void theActionThePagePostsIsTakenWhereThePageLooksForTheEndpoint() {
        int before = jobs.refreshes();
        // ../tasks from /manage/supervisor-page/, with the body the page's trigger button posts
        managementPort.post().uri("/manage/tasks/refresh").contentType(MediaType.APPLICATION_JSON)
                .body("{\"action\":\"trigger\"}").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("refresh");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs.refreshes() > before);
    }
}
