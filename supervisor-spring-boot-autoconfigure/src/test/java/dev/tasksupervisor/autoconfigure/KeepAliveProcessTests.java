package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.tasksupervisor.annotation.Worker;

/**
 * Real JVMs running an application without a web server whose only work is a worker: the supervisor's
 * threads are daemon threads, so it is the keep-alive thread that keeps such an application running.
 */
class KeepAliveProcessTests {

    /** The application under test: one interval worker, nothing else that would keep the JVM alive. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, SupervisorAutoConfiguration.class})
    public static class WorkersOnlyApplication {

        private final AtomicInteger ticks = new AtomicInteger();

        @Worker(interval = "100ms")
        void tick() {
            System.out.println("tick " + ticks.incrementAndGet());
        }

        public static void main(String[] args) {
            SpringApplication application = new SpringApplication(WorkersOnlyApplication.class);
            application.setWebApplicationType(WebApplicationType.NONE);
            application.setBannerMode(Banner.Mode.OFF);
            application.run(args); // Spring Boot registers the shutdown hook that closes the context
            System.out.println("main returned");
        }
    }

    @Test
    void anApplicationWithWorkersRunsAfterMainReturnsUntilItIsToldToStop(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("app.log");
        Process process = start(log);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> linesAfterMainReturned(log).stream()
                    .filter(line -> line.startsWith("tick")).count() >= 3);
            assertThat(process.isAlive()).isTrue();
            process.destroy(); // SIGTERM: the shutdown hook closes the context, which stops the supervisor
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM exited once the context closed").isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void withoutKeepAliveTheJvmExitsWhenMainReturns(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("app.log");
        Process process = start(log, "--supervisor.keep-jvm-alive=false");
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("nothing kept the JVM alive").isTrue();
            assertThat(Files.readString(log)).contains("main returned");
        } finally {
            process.destroyForcibly();
        }
    }

    private static Process start(Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                WorkersOnlyApplication.class.getName(), "--supervisor.id=keep-alive-test"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<String> linesAfterMainReturned(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        int main = lines.indexOf("main returned");
        return main < 0 ? List.of() : lines.subList(main + 1, lines.size());
    }
}
