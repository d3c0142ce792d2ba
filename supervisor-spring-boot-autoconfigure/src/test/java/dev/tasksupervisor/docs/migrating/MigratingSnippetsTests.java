package dev.tasksupervisor.docs.migrating;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.worker.QueueWorker;

/** The "after" snippets of docs/migrating.md run as the page says. */
class MigratingSnippetsTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=migrating-" + UUID.randomUUID().toString().substring(0, 8))
            .withBean(Reports.class)
            .withBean(Mailer.class)
            .withBean(SignUp.class)
            .withBean(Exports.class);

    @Test
    void theScheduledMethodsAreIntervalWorkersAtAFixedRateAFixedDelayAndACron() {
        contextRunner.run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            assertThat(supervisor.getWorker("report").getSchedule()).contains("every PT1M");
            assertThat(supervisor.getWorker("cleanUp").getSchedule()).contains("PT30S");
            assertThat(supervisor.getWorker("nightly").getSchedule()).isEqualTo("cron 0 0 2 * * * (Europe/Paris)");
        });
    }

    @Test
    void theCallerPutsTheMailThatTheWorkerSends() {
        contextRunner.run(context -> {
            context.getBean(SignUp.class).register("ada@example.com");

            @SuppressWarnings("unchecked")
            QueueWorker<Mail> send = context.getBean(QueueWorker.class);
            assertThat(send.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(send.getRuns()).isEqualTo(1);
            assertThat(send.getCapacity()).isEqualTo(10_000);
        });
    }

    @Test
    void aSpawnedTaskCompletesItsFuture() {
        contextRunner.run(context -> {
            Exports exports = context.getBean(Exports.class);

            assertThat(exports.export("orders").get()).isEqualTo(6L);
            exports.alert("disk full");
        });
    }
}
