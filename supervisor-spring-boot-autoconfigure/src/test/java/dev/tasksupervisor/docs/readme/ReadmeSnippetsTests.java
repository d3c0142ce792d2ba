package dev.tasksupervisor.docs.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.testsupport.LogCapture;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;

/** The README's snippets run as the README says: the two workers, and the controller putting into one. */
class ReadmeSnippetsTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=readme-" + UUID.randomUUID().toString().substring(0, 8))
            .withBean(Jobs.class)
            .withBean(OrderController.class);

    @Test
    void theControllerPutsAnOrderThatTheShipWorkerHandles() {
        try (LogCapture logs = LogCapture.of(Jobs.class)) {
            contextRunner.run(context -> {
                assertThat(context).hasNotFailed();
                Order order = new Order("A-1", "pen", 2);

                context.getBean(OrderController.class).order(order);

                @SuppressWarnings("unchecked")
                QueueWorker<Order> ship = context.getBean("shipWorker", QueueWorker.class);
                assertThat(ship.awaitIdle(Duration.ofSeconds(10))).isTrue();
                assertThat(logs.messages(Level.INFO)).contains("shipping " + order);
            });
        }
    }

    @Test
    void theHeartbeatIsAnIntervalWorkerOfTenSecondsByDefaultAndTheReportRunsAtTwoInParis() {
        contextRunner.run(context -> {
            IntervalWorker heartbeat = context.getBean("heartbeatWorker", IntervalWorker.class);
            assertThat(heartbeat.getName()).isEqualTo("heartbeat");
            assertThat(heartbeat.isActive()).isTrue();
            assertThat(context.getBean(TaskSupervisor.class).getWorker("heartbeat").getSchedule())
                    .contains("10S");
            IntervalWorker report = context.getBean("nightlyReportWorker", IntervalWorker.class);
            assertThat(report.getSchedule()).isEqualTo("cron 0 0 2 * * * (Europe/Paris)");
            assertThat(report.getNextRun().atZone(ZoneId.of("Europe/Paris")).toLocalTime()).isEqualTo(LocalTime.of(2, 0));
        });
    }
}
