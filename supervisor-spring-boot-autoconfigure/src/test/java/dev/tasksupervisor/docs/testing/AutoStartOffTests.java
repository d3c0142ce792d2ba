package dev.tasksupervisor.docs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import dev.tasksupervisor.TaskSupervisor;

/** What docs/testing.md says of {@code supervisor.auto-start=false}: every worker registered, none started. */
@DirtiesContext
@SpringBootTest(properties = "supervisor.auto-start=false")
class AutoStartOffTests {

    @Autowired
    TaskSupervisor supervisor;

    @Test
    void everyWorkerIsRegisteredAndNoneStarted() {
        assertThat(supervisor.getId()).isEqualTo("docs-testing");
        assertThat(supervisor.getWorkers()).extracting(w -> w.getName()).containsExactlyInAnyOrder("ship", "heartbeat");
        assertThat(supervisor.getWorkers()).noneMatch(w -> w.isStarted());
    }
}
