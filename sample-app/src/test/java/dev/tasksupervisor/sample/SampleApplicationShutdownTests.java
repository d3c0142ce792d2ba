package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tasksupervisor.TaskSupervisor;

/** Starting and closing the whole application leaves no supervisor thread behind. */
class SampleApplicationShutdownTests {

    private static final String PREFIX = "supervisor_sample-shutdown_";

    @Test
    void closingTheApplicationLeavesNoSupervisorThread() {
        // The main class named, not deduced from the stack (the test runner's): in the AOT test run
        // (spring.aot.enabled=true) it is the class whose generated initializer starts the application.
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
                .main(SampleApplication.class)
                .run("--server.port=0", "--supervisor.id=sample-shutdown", "--sample.heartbeat=50ms",
                        "--spring.main.banner-mode=off");
        TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
        supervisor.getQueueWorker("ship", Order.class).put(new Order("S-1", "cup", 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> context.getBean(Shipping.class).shipped().contains("S-1"));
        assertThat(threads()).extracting(Thread::getName).contains(PREFIX + "aloop_io", PREFIX + "aloop_reports",
                PREFIX + "keep_alive");
        context.close();
        assertThat(supervisor.isActive()).isFalse();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(threads()).isEmpty());
    }

    private static List<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith(PREFIX))
                .toList();
    }
}
