package dev.tasksupervisor.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Runs a program in a JVM of its own on this test's class path, sends it SIGTERM once it printed
 * {@code accepted <n>}, and checks what it printed: each of the items 0 to n-1 exactly once, as
 * {@code handled <i>} or {@code handed back <i>}. The programs print from their target and their
 * undelivered-items handler; a lost item is one printed by neither.
 */
public final class SigtermProbe {

    private final List<String> lines;
    private final List<Integer> handled;
    private final List<Integer> handedBack;

    private SigtermProbe(List<String> lines) {
        this.lines = lines;
        this.handled = numbersAfter(lines, "handled ");
        this.handedBack = numbersAfter(lines, "handed back ");
    }

    /** Starts {@code main} with {@code args}, waits until it accepted {@code items}, stops it with SIGTERM. */
    public static SigtermProbe run(Path dir, int items, Class<?> main, String... args) throws IOException,
            InterruptedException {
        Path log = dir.resolve(main.getSimpleName() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("accepted " + items));
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM exited").isTrue();
        } finally {
            process.destroyForcibly();
        }
        SigtermProbe probe = new SigtermProbe(Files.readAllLines(log));
        probe.assertEveryItemOnce(items);
        return probe;
    }

    private void assertEveryItemOnce(int items) {
        Set<Integer> all = new HashSet<>(handled);
        all.addAll(handedBack);
        assertThat(handled.size() + handedBack.size()).as("each item once: handled or handed back").isEqualTo(items);
        assertThat(all).as("no item lost").isEqualTo(IntStream.range(0, items).boxed().collect(Collectors.toSet()));
    }

    /** Everything the program printed, in order. */
    public List<String> lines() {
        return lines;
    }

    /** The items handed back, in the order they were. */
    public List<Integer> handedBack() {
        return handedBack;
    }

    private static List<Integer> numbersAfter(List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix))
                .map(line -> Integer.valueOf(line.substring(prefix.length()).trim())).toList();
    }
}
