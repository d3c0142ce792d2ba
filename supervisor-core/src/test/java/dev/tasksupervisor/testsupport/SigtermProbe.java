package dev.tasksupervisor.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Runs a program in a JVM of its own on this test's class path, sends it SIGTERM once it recorded
 * {@code accepted <n>}, and checks what it recorded: each of the items 0 to n-1 exactly once, as
 * {@code handled <i>} or {@code handed back <i>}. The programs {@link #record} from their target and their
 * undelivered-items handler, into a file of the probe's; a lost item is one recorded by neither. Their
 * log (standard output and error) is kept apart.
 */
public final class SigtermProbe {

    /** The system property that names the file a program records into. */
    private static final String RECORD = "sigterm.probe.record";

    private final List<String> lines;
    private final String log;
    private final List<Integer> handled;
    private final List<Integer> handedBack;

    private SigtermProbe(List<String> lines, String log) {
        this.lines = lines;
        this.log = log;
        this.handled = numbersAfter(lines, "handled ");
        this.handedBack = numbersAfter(lines, "handed back ");
    }

    /**
     * For the program: records one line, at once (the JVM may be on its way out). Lines from several
     * threads do not interleave.
     */
    public static synchronized void record(String line) {
        try {
            Files.writeString(Path.of(System.getProperty(RECORD)), line + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code main} with {@code args}, waits until it accepted {@code items}, stops it with SIGTERM. */
    public static SigtermProbe run(Path dir, int items, Class<?> main, String... args) throws IOException,
            InterruptedException {
        Path record = dir.resolve(main.getSimpleName() + ".record");
        Path log = dir.resolve(main.getSimpleName() + ".log");
        Files.createFile(record);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-D" + RECORD + "=" + record, "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readAllLines(record).contains("accepted " + items));
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM exited").isTrue();
        } finally {
            process.destroyForcibly();
        }
        SigtermProbe probe = new SigtermProbe(Files.readAllLines(record), Files.readString(log));
        probe.assertEveryItemOnce(items);
        return probe;
    }

    private void assertEveryItemOnce(int items) {
        Set<Integer> all = new HashSet<>(handled);
        all.addAll(handedBack);
        assertThat(handled.size() + handedBack.size()).as("each item once: handled or handed back").isEqualTo(items);
        assertThat(all).as("no item lost").isEqualTo(IntStream.range(0, items).boxed().collect(Collectors.toSet()));
    }

    /** Everything the program recorded, in order. */
    public List<String> lines() {
        return lines;
    }

    /** What the program logged: its standard output and error. */
    public String log() {
        return log;
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
