package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.testsupport.SigtermProbe;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * A real Spring Boot process stopped with SIGTERM while more work is queued than its shutdown phase
 * allows: every accepted item is handled or handed back to the undelivered-items handler, before the
 * application's beans are destroyed and the JVM exits.
 */
class ShutdownProcessTests {

    static final int ITEMS = 3000;

    /** One queue worker at about 5 ms an item: 3,000 items take 15 s, more than the 7 s phase the test sets. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, SupervisorAutoConfiguration.class})
    public static class QueuedWorkApplication implements DisposableBean {

        @Worker(queue = true)
        void ship(Integer item) throws InterruptedException {
            Thread.sleep(5);
            SigtermProbe.record("handled " + item);
        }

        @Override
        public void destroy() {
            SigtermProbe.record("beans destroyed");
        }

        @Bean
        ApplicationRunner queueItems(TaskSupervisor supervisor) {
            return args -> {
                QueueWorker<Integer> ship = supervisor.getQueueWorker("ship", Integer.class);
                ship.setUndeliveredHandler(items -> items.forEach(item -> SigtermProbe.record("handed back " + item)));
                for (int i = 0; i < ITEMS; i++) {
                    ship.put(i);
                }
                SigtermProbe.record("accepted " + ITEMS);
            };
        }

        public static void main(String[] args) {
            SpringApplication application = new SpringApplication(QueuedWorkApplication.class);
            application.setWebApplicationType(WebApplicationType.NONE);
            application.setBannerMode(Banner.Mode.OFF);
            application.run(args);
        }
    }

    @Test
    void sigtermWithMoreQueuedThanThePhaseAllowsHandlesOrHandsBackEveryItemBeforeTheBeansAreDestroyed(
            @TempDir Path dir) throws Exception {
        // INFO for the drain's progress line: the tests' logging configuration shows WARN and above.
        SigtermProbe probe = SigtermProbe.run(dir, ITEMS, QueuedWorkApplication.class, "--supervisor.id=shutdown-test",
                "--spring.lifecycle.timeout-per-shutdown-phase=7s", "--logging.level.dev.tasksupervisor=INFO");
        List<String> lines = probe.lines();
        assertThat(probe.handedBack()).as("the phase ended the drain: the rest was handed back").isNotEmpty();
        int destroyed = lines.indexOf("beans destroyed");
        assertThat(destroyed).as("the beans were destroyed").isPositive();
        assertThat(lines.subList(destroyed, lines.size())).as("nothing ran or was handed back after the beans were destroyed")
                .noneMatch(line -> line.startsWith("handled ") || line.startsWith("handed back "));
        assertThat(probe.log()).contains("draining 'ship'")
                .contains(probe.handedBack().size() + " item(s) of worker 'ship' handed back")
                .doesNotContain("still running after timeout");
    }
}
