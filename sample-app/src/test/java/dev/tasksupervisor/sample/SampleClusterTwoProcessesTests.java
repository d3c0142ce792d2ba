package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"sample.cluster.report=200ms", "supervisor.workers.clusterReport.lock.at-least-for=150ms",
                "spring.main.banner-mode=off"})
@ActiveProfiles("cluster")
class SampleClusterTwoProcessesTests {

    private static final Path directory = temporaryDirectory();

    private static final Pattern REPORT = Pattern.compile("Cluster report #(\\d+) of this instance");

    @DynamicPropertySource
    static void sharedFile(DynamicPropertyRegistry registry) {
        registry.add("sample.cluster.file", () -> directory.resolve("cluster").toString());
    }

    @Autowired
    private TaskSupervisor supervisor;

    @Autowired
    private ClusterReport clusterReport;

    @Test
    void twoProcessesShareTheLockAndNeitherFailsARun() throws Exception {
        BackgroundWorker worker = supervisor.getWorker("clusterReport");
        await().atMost(Duration.ofSeconds(30)).until(() -> clusterReport.reports() >= 1);

        Path output = directory.resolve("second-instance.log");
        Process second = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                SampleApplication.class.getName(),
                "--spring.profiles.active=cluster", "--server.port=0", "--spring.main.banner-mode=off",
                "--logging.level.dev.tasksupervisor.sample=INFO", // its reports, counted below
                "--sample.cluster.file=" + directory.resolve("cluster"),
                "--sample.cluster.report=200ms", "--supervisor.workers.clusterReport.lock.at-least-for=150ms"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            long skipsBefore = worker.getSkips();
            int reportsBefore = clusterReport.reports();
            // Both instances tick every 200 ms and one lock decides each tick: each runs some ticks and skips others.
            await().atMost(Duration.ofSeconds(90)).until(() -> !second.isAlive()
                    || (reportsOf(output) >= 3 && worker.getSkips() >= skipsBefore + 3
                            && clusterReport.reports() >= reportsBefore + 3));
            assertThat(second.isAlive()).as("the second instance is still running; its output:%n%s", read(output))
                    .isTrue();
            assertThat(worker.getFailures()).as("failed runs of this instance").isZero();
            assertThat(read(output)).as("the second instance's output").doesNotContain("ERROR")
                    .doesNotContain("Exception");
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    private static int reportsOf(Path output) throws IOException {
        Matcher matcher = REPORT.matcher(read(output));
        int last = 0;
        while (matcher.find()) {
            last = Integer.parseInt(matcher.group(1));
        }
        return last;
    }

    private static String read(Path output) throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("supervisor-sample-cluster");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory for the shared H2 file", e);
        }
    }
}
