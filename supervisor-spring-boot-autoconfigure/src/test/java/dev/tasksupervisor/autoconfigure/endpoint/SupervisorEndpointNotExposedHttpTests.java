package dev.tasksupervisor.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.autoconfigure.ObservedApplication;

/**
 * The endpoint not exposed on the web: the 403 for writes while read-only has nothing to guard, so it is
 * not registered, and other endpoints keep Spring MVC's own answers.
 */
@SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=not-exposed", "supervisor.aloops.io.default=true",
                "management.endpoints.web.exposure.include=health", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class SupervisorEndpointNotExposedHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private ApplicationContext context;

    @Test
    void aSupervisorEndpointNotExposedOnTheWebGetsNoReadOnlyMappingAndAPostIsNotFound() {
        assertThat(context.getBeansOfType(ReadOnlyWritesHandlerMapping.class)).isEmpty();
        client.post().uri("/actuator/supervisor").contentType(MediaType.APPLICATION_JSON).body("{\"maxSize\":3}")
                .exchange().expectStatus().isNotFound();
        client.post().uri("/actuator/health").contentType(MediaType.APPLICATION_JSON).body("{}")
                .exchange().expectStatus().isEqualTo(405);
    }
}
