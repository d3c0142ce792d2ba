package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * The cluster profile as the sample's README runs it: two processes on the one H2 file, with the URL options
 * of {@code application-cluster.yml}. This test's context is the first instance; a second JVM is started beside
 * it. Found by a probe (issue 16): the first locked run of an instance failed, with H2's "Lock file recently
 * modified" as the database's ownership passed between the processes, or with ShedLock's "DB time is not
 * supported for database product: UNKNOWN" when its first look-up of the product lost that race.
 *
 * <p>Which instance runs a tick depends on how their ticks fall (one whose ticks come just after the other's may
 * skip every one of them), so the test counts each instance's lock attempts, runs and skips alike, through
 * the second one's actuator endpoint, and asks that none of them failed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"sample.cluster.report=200ms", "supervisor.workers.clusterReport.lock.at-least-for=150ms",
                "spring.main.banner-mode=off"})
@ActiveProfiles("cluster")
class SampleClusterTwoProcessesTests {

    /** Under the module's build directory: {@code mvn clean} removes it, nothing is left in the temp dir. */
    private static final Path directory = directory();

    @DynamicPropertySource
    static void sharedFile(DynamicPropertyRegistry registry) {
        registry.add("sample.cluster.file", () -> directory.resolve("cluster").toString());
    }

    @Autowired
    private TaskSupervisor supervisor;

    @Test
    void twoProcessesShareTheLockAndNeitherFailsARun() throws Exception {
        BackgroundWorker worker = supervisor.getWorker("clusterReport");
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getRuns() + worker.getSkips() >= 1);

        int port = freePort();
        Path output = directory.resolve("second-instance.log");
        Process second = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                SampleApplication.class.getName(),
                "--spring.profiles.active=cluster", "--server.port=" + port, "--spring.main.banner-mode=off",
                "--sample.cluster.file=" + directory.resolve("cluster"),
                "--sample.cluster.report=200ms", "--supervisor.workers.clusterReport.lock.at-least-for=150ms"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            long before = worker.getRuns() + worker.getSkips();
            // Every 200 ms each instance asks the shared lock: each either runs the report or skips the tick.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> !second.isAlive()
                    || (attempts(http, port) >= 5 && worker.getRuns() + worker.getSkips() >= before + 5));
            assertThat(second.isAlive()).as("the second instance is still running; its output:%n%s", read(output))
                    .isTrue();
            assertThat(worker.getFailures()).as("failed runs of this instance").isZero();
            assertThat(field(view(http, port), "failures")).as("failed runs of the second instance").isZero();
            assertThat(read(output)).as("the second instance's output").doesNotContain("ERROR")
                    .doesNotContain("Exception");
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    /** The second instance's lock attempts: runs and skips; 0 until its endpoint answers. */
    private static long attempts(HttpClient http, int port) throws InterruptedException {
        String view = view(http, port);
        return view == null ? 0 : field(view, "runs") + field(view, "skipped");
    }

    private static String view(HttpClient http, int port) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/actuator/supervisor/clusterReport")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null; // not listening yet
        }
    }

    private static long field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path output) throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    private static Path directory() {
        try {
            return Files.createDirectories(Path.of("target", "cluster-probe", Long.toString(System.nanoTime())))
                    .toAbsolutePath();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for the shared H2 file under target/", e);
        }
    }
}
