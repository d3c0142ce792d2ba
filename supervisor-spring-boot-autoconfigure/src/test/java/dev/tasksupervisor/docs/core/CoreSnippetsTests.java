package dev.tasksupervisor.docs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;

/** The snippets of docs/core.md do what the page says. */
class CoreSnippetsTests {

    private final CoreSnippets snippets = new CoreSnippets();

    private final TaskSupervisor supervisor = new TaskSupervisor("core-snippets");

    @AfterEach
    void stop() {
        if (supervisor.isActive()) {
            supervisor.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void theTaskSupervisorRunsBothTasksBeforeItsStopReturns() throws Exception {
        assertThat(snippets.theTaskSupervisor().get()).isEqualTo(new CoreSnippets.Report("report"));
        assertThat(snippets.alerted).isTrue();
    }

    @Test
    void stoppingWithOptionsStopsTheSupervisor() {
        supervisor.start();

        snippets.stopping(supervisor);

        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
    }

    @Test
    void anAloopSpawnsRunsAndExecutes() throws Exception {
        supervisor.start();

        assertThat(snippets.aloops(supervisor)).isEqualTo("fetched done");
        assertThat(supervisor.getDefaultAloop().orElseThrow().getName()).isEqualTo("io");
    }

    @Test
    void aRegisteredSchedulerRunsItsWorkOnThePool() {
        supervisor.start();

        snippets.ownSchedulers(supervisor);

        await().atMost(Duration.ofSeconds(5)).until(() -> snippets.exported);
    }
}
