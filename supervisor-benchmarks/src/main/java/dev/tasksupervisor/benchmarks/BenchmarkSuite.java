package dev.tasksupervisor.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of the suite with its baseline in the same run and prints the table of
 * {@code BENCHMARKS.md}: the JMH benchmarks in this JVM's forks, then each plain harness in a fresh JVM.
 * Usage: {@code java -cp benchmarks.jar dev.tasksupervisor.benchmarks.BenchmarkSuite quick|full}.
 */
public final class BenchmarkSuite {

    private final boolean full;
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private final List<String> rows = new ArrayList<>();

    private BenchmarkSuite(boolean full) {
        this.full = full;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !(args[0].equals("quick") || args[0].equals("full"))) {
            System.err.println("usage: BenchmarkSuite quick|full");
            System.exit(2);
        }
        new BenchmarkSuite(args[0].equals("full")).run();
    }

    private void run() throws Exception {
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        runJmh();
        for (String harness : List.of("trigger", "interval", "idle", "stop")) {
            runHarness(harness);
        }
        String report = report(started);
        System.out.println(report);
        Path out = Path.of("supervisor-benchmarks", "target", "benchmark-results");
        if (!Files.isDirectory(out.getParent())) {
            out = Path.of("target", "benchmark-results");
        }
        Files.createDirectories(out);
        Path file = out.resolve((full ? "full-" : "quick-") + started.replace(' ', '_').replace(":", "") + ".md");
        Files.writeString(file, report);
        System.out.println("Written to " + file.toAbsolutePath());
    }

    private void runJmh() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(SpawnBenchmark.class.getSimpleName())
                .include(QueueWorkerBenchmark.class.getSimpleName())
                .forks(full ? 3 : 2)
                .warmupIterations(full ? 5 : 3)
                .warmupTime(TimeValue.seconds(full ? 2 : 1))
                .measurementIterations(full ? 10 : 5)
                .measurementTime(TimeValue.seconds(full ? 2 : 1))
                .build();
        Collection<RunResult> results = new Runner(options).run();
        for (RunResult result : results) {
            String param = result.getParams().getParam(
                    result.getParams().getBenchmark().contains("Spawn") ? "executor" : "consumer");
            figures.put(param, result.getPrimaryResult().getScore());
            figures.put(param + ".error", result.getPrimaryResult().getScoreError());
        }
    }

    private void runHarness(String harness) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.tasksupervisor.benchmarks.harness.Harness", harness, full ? "full" : "quick")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("result.")) {
                    int eq = line.indexOf('=');
                    figures.put(line.substring("result.".length(), eq), Double.parseDouble(line.substring(eq + 1)));
                }
                System.out.println("[" + harness + "] " + line);
            }
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("harness " + harness + " failed with exit code " + process.exitValue());
        }
    }

    private double f(String name) {
        Double value = figures.get(name);
        if (value == null) {
            throw new IllegalStateException("no figure " + name + " was measured");
        }
        return value;
    }

    private String report(String started) {
        row("spawn throughput vs `ThreadPoolExecutor.submit` (like for like: both return a future)",
                ops("TaskSupervisor.spawn"), ops("ThreadPoolExecutor.submit"),
                ratio(f("TaskSupervisor.spawn") / f("ThreadPoolExecutor.submit"), ">= 0.95", true));
        row("spawn throughput vs `ThreadPoolExecutor.execute` (no future)",
                ops("TaskSupervisor.spawn"), ops("ThreadPoolExecutor.execute"),
                ratio(f("TaskSupervisor.spawn") / f("ThreadPoolExecutor.execute"), ">= 0.95", true));
        row("spawn throughput vs Spring `ThreadPoolTaskExecutor.submit`",
                ops("TaskSupervisor.spawn"), ops("ThreadPoolTaskExecutor.submit"),
                ratio(f("TaskSupervisor.spawn") / f("ThreadPoolTaskExecutor.submit"), ">= 0.95", true));
        row("spawn throughput vs Spring `ThreadPoolTaskExecutor.execute`",
                ops("TaskSupervisor.spawn"), ops("ThreadPoolTaskExecutor.execute"),
                ratio(f("TaskSupervisor.spawn") / f("ThreadPoolTaskExecutor.execute"), ">= 0.95", true));
        row("spawn with priorities (`poolSize` 10) vs without",
                ops("TaskSupervisor.spawnWithPriorities"), ops("TaskSupervisor.spawn"),
                ratio(f("TaskSupervisor.spawnWithPriorities") / f("TaskSupervisor.spawn"), ">= 0.8", true));
        row("queue worker items/s, one producer, vs one thread taking from a `LinkedBlockingQueue`",
                ops("QueueWorker.put"), ops("LinkedBlockingQueue.take"),
                ratio(f("QueueWorker.put") / f("LinkedBlockingQueue.take"), ">= 0.5 (aim 0.8)", true));
        for (String p : List.of("p50", "p99")) {
            row("event trigger → target start, " + p + ", vs `LockSupport.unpark` of a parked thread",
                    us(f("trigger." + p)), us(f("unpark." + p)),
                    ratio(f("trigger." + p) / f("unpark." + p), "<= 2", false));
        }
        row("event trigger → target start, p99.9 (for information)", us(f("trigger.p999")), us(f("unpark.p999")),
                String.format(Locale.ROOT, "%.2f× | — | —", f("trigger.p999") / f("unpark.p999")));
        row("event trigger → target start vs an idle `ThreadPoolExecutor.execute` → task start, p50 / p99 (for information)",
                us(f("trigger.p50")) + " / " + us(f("trigger.p99")),
                us(f("executor.p50")) + " / " + us(f("executor.p99")), "— | — | —");
        row("interval worker at 10 ms: lateness p50 / p99 / max; drift (vs `scheduleAtFixedRate`)",
                schedule("intervalWorker"), schedule("scheduleAtFixedRate"),
                absolute(f("intervalWorker.p99") <= 1000 && Math.abs(f("intervalWorker.drift")) <= 10_000
                        && f("intervalWorker.missedTicks") <= 0, "p99 <= 1 ms, drift <= 1 interval"));
        row("interval worker at 10 ms (vs Spring `@Scheduled(fixedRate = 10)`)",
                schedule("intervalWorker"), schedule("springScheduled"), "— | — | —");
        row("10,000 idle workers: extra CPU, % of one core (whole process / supervisor threads)",
                pct(f("workers.extraCpuPercentOfCore")) + " / " + pct(f("workers.extraSupervisorCpuPercentOfCore")),
                "empty supervisor: " + pct(f("empty.cpuPercentOfCore")) + " / " + pct(f("empty.supervisorCpuPercentOfCore")),
                absolute(f("workers.extraCpuPercentOfCore") <= 0.1, "<= 0.1% of a core"));
        row("10,000 idle workers: live threads; heap per worker",
                String.format(Locale.ROOT, "%.0f threads; %.0f bytes", f("workers.threads"), f("workers.heapBytesPerWorker")),
                String.format(Locale.ROOT, "%.0f threads", f("empty.threads")),
                absolute(f("workers.threads") == f("empty.threads"), "threads constant"));
        row("`stop()` with 100 idle workers, p50 (max)",
                String.format(Locale.ROOT, "%.1f ms (%.1f ms)", f("stop.p50") / 1000, f("stop.max") / 1000), "—",
                absolute(f("stop.p50") <= 20_000, "<= 20 ms"));

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Profile %s, %s, Java %s (%s), %d CPUs%n%n", full ? "full" : "quick",
                started, Runtime.version(), System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors()));
        out.append("| figure | supervisor | baseline, same run | ratio | target | met |\n");
        out.append("|---|---|---|---|---|---|\n");
        rows.forEach(r -> out.append(r).append('\n'));
        out.append("\nAll figures:\n\n```\n");
        figures.forEach((name, value) -> out.append(String.format(Locale.ROOT, "%s = %.3f%n", name, value)));
        out.append("```\n");
        return out.toString();
    }

    private void row(String figure, String supervisor, String baseline, String verdict) {
        rows.add("| " + figure + " | " + supervisor + " | " + baseline + " | " + verdict + " |");
    }

    private String ops(String name) {
        return String.format(Locale.ROOT, "%.2fM/s ± %.2fM", f(name) / 1e6, f(name + ".error") / 1e6);
    }

    private String schedule(String name) {
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f µs; %+.0f µs; %.0f missed ticks", f(name + ".p50"),
                f(name + ".p99"), f(name + ".max"), f(name + ".drift"), f(name + ".missedTicks"));
    }

    private static String us(double micros) {
        return String.format(Locale.ROOT, "%.1f µs", micros);
    }

    private static String pct(double percent) {
        return String.format(Locale.ROOT, "%+.3f%%", percent);
    }

    private static String ratio(double ratio, String target, boolean atLeast) {
        double bound = Double.parseDouble(target.replaceAll("^[<>]=\\s*([0-9.]+).*$", "$1"));
        boolean met = atLeast ? ratio >= bound : ratio <= bound;
        return String.format(Locale.ROOT, "%.2f× | %s | %s", ratio, target, met ? "met" : "**not met**");
    }

    private static String absolute(boolean met, String target) {
        return "— | " + target + " | " + (met ? "met" : "**not met**");
    }
}
