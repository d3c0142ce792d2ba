package dev.tasksupervisor.docs.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.worker.QueueWorker;

/**
 * The README's walk from a new application to a worker seen in the actuator, over a real port: the README's
 * own {@code application.yml} block (read from README.md, so an edit of it is tested), its two workers, its
 * controller, and the requests its "Actuator" section shows.
 */
@SpringBootTest(classes = ReadmeAppHttpTests.ReadmeApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=readme-http", "spring.main.banner-mode=off"})
@AutoConfigureRestTestClient
class ReadmeAppHttpTests {

    /** An order as the README's curl posts it (see "Reaching a worker"). */
    private static final String ORDER = "{\"id\":\"1\",\"item\":\"book\",\"quantity\":2}";

    @Autowired
    private RestTestClient client;

    @Autowired
    @Qualifier("ship")
    private QueueWorker<Order> ship;

    /** A new application: auto-configuration, and the README's two classes. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({Jobs.class, OrderController.class})
    static class ReadmeApplication {
    }

    @DynamicPropertySource
    static void theReadmesApplicationYml(DynamicPropertyRegistry registry) throws IOException {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ByteArrayResource(firstYamlBlockOfTheReadme().getBytes(StandardCharsets.UTF_8)));
        Properties properties = yaml.getObject();
        assertThat(properties).as("the README's application.yml").isNotEmpty();
        properties.stringPropertyNames().forEach(key -> registry.add(key, () -> properties.getProperty(key)));
    }

    private static String firstYamlBlockOfTheReadme() throws IOException {
        // The module's directory is the working directory of its tests; the README is one level up.
        List<String> lines = Files.readAllLines(Path.of("../README.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf("```yaml") + 1;
        assertThat(start).as("a ```yaml block in README.md").isPositive();
        return String.join("\n", lines.subList(start, lines.subList(start, lines.size()).indexOf("```") + start));
    }

    @AfterEach
    void theShipWorkerRunsAgain() throws InterruptedException {
        if (ship.isPaused()) {
            ship.resume();
        }
        if (ship.isStopped()) {
            ship.start();
        }
        assertThat(ship.awaitIdle(Duration.ofSeconds(20))).isTrue();
    }

    @Test
    void anOrderPostedIsShippedAndTheActuatorShowsIt() throws InterruptedException {
        long runs = ship.getRuns();

        postOrder().expectStatus().isAccepted();
        assertThat(ship.awaitIdle(Duration.ofSeconds(10))).isTrue();

        client.get().uri("/actuator/supervisor").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.workers[?(@.name == 'heartbeat')].state").isEqualTo(List.of("ACTIVE"))
                .jsonPath("$.workers[?(@.name == 'ship')].kind").isEqualTo(List.of("QUEUE"));
        client.get().uri("/actuator/supervisor/ship").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.runs").value(n -> assertThat(((Number) n).longValue()).isEqualTo(runs + 1));
        // The meter is recorded as the run ends, which awaitIdle does not order against: wait for it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> client.get()
                .uri("/actuator/metrics/supervisor.worker.runs?tag=worker:ship").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[?(@.statistic == 'COUNT')].value")
                .value(counts -> assertThat(counts).isEqualTo(List.of((double) (runs + 1)))));
    }

    @Test
    void theHealthContributorIsAtItsOwnPathWithTheReadmesSettings() {
        // Spring Boot answers 404 for a component's path unless the components are shown.
        client.get().uri("/actuator/health/supervisor").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.details.id").isEqualTo("readme-http");
    }

    @Test
    void aStoppedShipWorkerIsA503NotA500() {
        ship.stop();

        postOrder().expectStatus().isEqualTo(503);
    }

    @Test
    void aFullQueueIsA429NotA500() {
        ship.pause();                         // a paused queue worker holds what it takes
        for (int i = 0; i < ship.getCapacity(); i++) {
            ship.put(new Order("filler-" + i, "pen", 1));
        }

        postOrder().expectStatus().isEqualTo(429);
    }

    private RestTestClient.ResponseSpec postOrder() {
        return client.post().uri("/orders").contentType(MediaType.APPLICATION_JSON).body(ORDER).exchange();
    }
}
