package dev.tasksupervisor.autoconfigure.endpoint;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.ObservedApplication;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * A queue worker's dead letters over HTTP: counted in the worker's view, listed at
 * {@code supervisor/{name}/dead-letters}, their items and messages hidden unless show-values allows them; the
 * worker's last error, whose message show-values hides in the same way.
 */
class SupervisorEndpointDeadLettersHttpTests {

    private static final String PROPERTIES = "management.endpoints.web.exposure.include=supervisor";

    /** A poison order put and given up on; returns once it is a dead letter. */
    static void poison(TaskSupervisor supervisor, String order) {
        QueueWorker<String> ship = supervisor.getQueueWorker("ship", String.class);
        long before = ship.getDeadLetterCount();
        ship.put(order);
        await().atMost(Duration.ofSeconds(20)).until(() -> ship.getDeadLetterCount() > before);
    }

    @Nested
    @SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"supervisor.id=letters-hidden", "supervisor.aloops.io.default=true", PROPERTIES})
    @AutoConfigureRestTestClient
    class ByDefault {

        @Autowired
        private RestTestClient client;

        @Autowired
        private TaskSupervisor supervisor;

        @Test
        void theWorkerCountsItsDeadLettersAndTheListHidesTheirItems() {
            poison(supervisor, "poison-card-4111111111111111");
            client.get().uri("/actuator/supervisor/ship").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.deadLetters").isEqualTo(1)
                    .jsonPath("$.deadLettersKept").isEqualTo(1)
                    .jsonPath("$.retries").isEqualTo(0)
                    .jsonPath("$.retrying").isEqualTo(0)
                    .jsonPath("$.failuresInARow").isEqualTo(1)
                    .jsonPath("$.capacity").isEqualTo(0)
                    .jsonPath("$.lastError.type").isEqualTo("java.lang.IllegalArgumentException")
                    .jsonPath("$.lastError.message").isEqualTo("******")
                    .jsonPath("$.lastError.at").isNotEmpty();
            client.get().uri("/actuator/supervisor").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.workers[?(@.name == 'ship')].lastError.message").isEqualTo("******")
                    .jsonPath("$.workers[?(@.name == 'tick')].capacity").doesNotExist()
                    .jsonPath("$.workers[?(@.name == 'tick')].lastError").doesNotExist();
            client.get().uri("/actuator/supervisor/ship/dead-letters").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.worker").isEqualTo("ship")
                    .jsonPath("$.total").isEqualTo(1)
                    .jsonPath("$.kept").isEqualTo(1)
                    .jsonPath("$.letters[0].item").isEqualTo("******")
                    .jsonPath("$.letters[0].error").isEqualTo("java.lang.IllegalArgumentException: ******")
                    .jsonPath("$.letters[0].attempts").isEqualTo(1)
                    .jsonPath("$.letters[0].failedAt").isNotEmpty();
        }

        @Test
        void anotherPartAWorkerWithoutDeadLettersAndAnUnknownWorker() {
            client.get().uri("/actuator/supervisor/ship/letters").exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.message").isEqualTo("worker 'ship' has no part 'letters': ask for ship/dead-letters");
            client.get().uri("/actuator/supervisor/tick/dead-letters").exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.message").isEqualTo("worker 'tick' is an INTERVAL worker, which has no dead letters: "
                            + "only queue workers do");
            client.get().uri("/actuator/supervisor/nobody/dead-letters").exchange()
                    .expectStatus().isNotFound()
                    .expectBody()
                    .jsonPath("$.message").isEqualTo("task supervisor 'letters-hidden' has no worker named 'nobody'; "
                            + "its workers are [poll, refresh, ship, tick]");
        }
    }

    @Nested
    @SpringBootTest(classes = ObservedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"supervisor.id=letters-shown", "supervisor.aloops.io.default=true", PROPERTIES,
                    "management.endpoint.supervisor.show-values=always"})
    @AutoConfigureRestTestClient
    class WithShowValuesAlways {

        @Autowired
        private RestTestClient client;

        @Autowired
        private TaskSupervisor supervisor;

        @Test
        void theListShowsTheItemsAndMessages() {
            poison(supervisor, "poison-1");
            client.get().uri("/actuator/supervisor/ship/dead-letters").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.letters[0].item").isEqualTo("poison-1")
                    .jsonPath("$.letters[0].error").isEqualTo("java.lang.IllegalArgumentException: cannot ship poison-1");
            client.get().uri("/actuator/supervisor/ship").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.lastError.type").isEqualTo("java.lang.IllegalArgumentException")
                    .jsonPath("$.lastError.message").isEqualTo("cannot ship poison-1");
        }
    }
}
