package dev.tasksupervisor.aloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.TaskSupervisor;

/** Runs a real JVM whose main returns while a supervisor and a daemon aloop are still running. */
class DaemonAloopProcessTest {

    /** The program under test: starts a supervisor and a busy daemon aloop, never stops them. */
    public static final class ForgottenSupervisor {
        public static void main(String[] args) {
            TaskSupervisor supervisor = new TaskSupervisor("forgotten");
            supervisor.start();
            Aloop loop = supervisor.createAloop("background", true, true, true);
            loop.spawn(CompletableFuture::new); // pending forever
            supervisor.spawn(() -> { });
        }
    }

    @Test
    void aDaemonAloopAndAnUnstoppedSupervisorDoNotKeepTheJvmAlive() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ForgottenSupervisor.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "forgotten-supervisor.log"))
                .start();
        try {
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            assertThat(exited).as("the JVM exited by itself").isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }
}
