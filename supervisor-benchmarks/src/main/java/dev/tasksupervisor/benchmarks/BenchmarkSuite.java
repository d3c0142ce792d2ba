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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import dev.tasksupervisor.benchmarks.Pairs.Target;

/**
 * Runs every figure of {@code BENCHMARKS.md} in pairs with its baseline and prints the table.
 *
 * <p>The machines are shared and noisy, and JMH alone measures one parameter after another, so that a
 * figure and its baseline see different noise. Here each round measures every figure and its baseline
 * back to back (for JMH, one fork each, its figure the median of its iterations; the order reversed every
 * other round, so that neither side is always first), and a figure's result is the median of its
 * per-round ratios, with their spread. Beside
 * throughput, every JMH fork measures the whole process's CPU time and allocated bytes per operation
 * ({@link CostProfiler}), which noise disturbs far less. The plain harnesses (latency, schedules, idle
 * cost, stop) run afterwards, each in a fresh JVM that pairs its variants round by round itself.
 *
 * <p>Usage: {@code supervisor-benchmarks/run quick|full}.
 */
public final class BenchmarkSuite {

    /** One JMH measurement: a benchmark with one parameter value, on some producer threads. */
    private record JmhRun(String benchmark, String param, String value, int threads) {

        /** The variant's name in the results: the parameter value, and the producers when more than one. */
        String variant() {
            return threads == 1 ? value : value + " ×" + threads;
        }
    }

    /**
     * What each round measures, group by group; a figure and its baseline stand next to each other, so
     * they are measured back to back in either order.
     */
    private static final List<List<JmhRun>> ROUND = List.of(
            List.of(spawn("ThreadPoolExecutor.submit"), spawn("TaskSupervisor.spawn"),
                    spawn("TaskSupervisor.spawnWithPriorities")),
            List.of(spawn("ThreadPoolTaskExecutor.submitWithMdc"), spawn("TaskSupervisor.spawnWithMdc")),
            List.of(queue("LinkedBlockingQueue.take", 1), queue("QueueWorker.put", 1)),
            List.of(queue("LinkedBlockingQueue.take", 4), queue("QueueWorker.put", 4)),
            List.of(spring("ThreadPoolTaskExecutor.execute"), spring("@Worker.put"),
                    spring("@Worker.put+observation")));

    private static JmhRun spawn(String executor) {
        return new JmhRun(SpawnBenchmark.class.getSimpleName(), "executor", executor, 1);
    }

    private static JmhRun queue(String consumer, int producers) {
        return new JmhRun(QueueWorkerBenchmark.class.getSimpleName(), "consumer", consumer, producers);
    }

    private static JmhRun spring(String path) {
        return new JmhRun(SpringWorkerBenchmark.class.getSimpleName(), "path", path, 1);
    }

    private final Profile profile;
    /** Every variant's metrics, one map per round, in the order measured. */
    private final Map<String, List<Map<String, Double>>> measured = new LinkedHashMap<>();
    private final List<String> rows = new ArrayList<>();

    private BenchmarkSuite(Profile profile) {
        this.profile = profile;
    }

    public static void main(String[] args) throws Exception {
        boolean durable = args.length == 2 && args[0].equals("durable");
        if (args.length != 1 && !durable) {
            System.err.println("usage: BenchmarkSuite quick|full, or BenchmarkSuite durable quick|full");
            System.exit(2);
        }
        new BenchmarkSuite(Profile.named(args[args.length - 1])).run(durable);
    }

    /**
     * Measures and reports every figure; or, with {@code durable}, only the durable queue figures, which need a
     * PostgreSQL server (see {@code DurableQueueHarness}).
     */
    private void run(boolean durable) throws Exception {
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        if (durable) {
            harness("durable");
        } else {
            for (int round = 0; round < profile.pairs(); round++) {
                for (List<JmhRun> group : ROUND) {
                    List<JmhRun> order = new ArrayList<>(group);
                    if (round % 2 == 1) {
                        Collections.reverse(order);
                    }
                    for (JmhRun run : order) {
                        jmh(run, round);
                    }
                }
            }
            for (String harness : List.of("trigger", "interval", "cron", "idle", "stop")) {
                harness(harness);
            }
        }
        String report = report(started, durable);
        System.out.println(report);
        Path out = Path.of("supervisor-benchmarks", "target", "benchmark-results");
        if (!Files.isDirectory(out.getParent())) {
            out = Path.of("target", "benchmark-results");
        }
        Files.createDirectories(out);
        Path file = out.resolve((durable ? "durable-" : "") + profile.name() + "-"
                + started.replace(' ', '_').replace(":", "") + ".md");
        Files.writeString(file, report);
        System.out.println("Written to " + file.toAbsolutePath());
    }

    // ------------------------------------------------------------------ measuring

    private void jmh(JmhRun run, int round) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(run.benchmark() + "\\.")
                .param(run.param(), run.value())
                .threads(run.threads())
                .forks(1)
                .warmupIterations(profile.warmupIterations())
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(profile.measurementIterations())
                .measurementTime(TimeValue.seconds(1))
                // A fixed heap: the collector then works the same for every fork, and CPU per operation compares.
                .jvmArgsAppend("-Xms1g", "-Xmx1g", "-Dorg.springframework.boot.logging.LoggingSystem=none")
                .addProfiler(CostProfiler.class)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        RunResult result = new Runner(options).runSingle();
        Map<String, Result> secondary = result.getSecondaryResults();
        Map<String, Double> metrics = new LinkedHashMap<>();
        // The median of the fork's iterations: one iteration disturbed by a neighbour does not move it.
        metrics.put("ops", result.getPrimaryResult().getStatistics().getPercentile(50));
        metrics.put("cpu", secondary.get(CostProfiler.CPU).getStatistics().getPercentile(50));
        metrics.put("bytes", secondary.get(CostProfiler.BYTES).getStatistics().getPercentile(50));
        record(run.variant(), round, metrics);
        System.out.printf(Locale.ROOT, "round %d: %-40s %,14.0f ops/s %8.0f ns CPU/op %8.1f B/op%n", round + 1,
                run.variant(), metrics.get("ops"), metrics.get("cpu"), metrics.get("bytes"));
    }

    private void record(String variant, int round, Map<String, Double> metrics) {
        List<Map<String, Double>> rounds = measured.computeIfAbsent(variant, v -> new ArrayList<>());
        while (rounds.size() <= round) {
            rounds.add(new LinkedHashMap<>());
        }
        rounds.get(round).putAll(metrics);
    }

    /** Runs a plain harness in a fresh JVM and records its {@code result.<variant>#<round>.<metric>} lines. */
    private void harness(String harness) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Xms1g", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.tasksupervisor.benchmarks.harness.Harness", harness, profile.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("result.")) {
                    int hash = line.indexOf('#');
                    int dot = line.indexOf('.', hash);
                    int eq = line.indexOf('=', dot);
                    record(line.substring("result.".length(), hash), Integer.parseInt(line.substring(hash + 1, dot)),
                            Map.of(line.substring(dot + 1, eq), Double.parseDouble(line.substring(eq + 1))));
                }
                System.out.println("[" + harness + "] " + line);
            }
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("harness " + harness + " failed with exit code " + process.exitValue());
        }
    }

    /** A metric of a variant, one value per round. */
    private List<Double> values(String variant, String metric) {
        List<Map<String, Double>> rounds = measured.get(variant);
        if (rounds == null) {
            throw new IllegalStateException("no variant " + variant + " was measured; measured: " + measured.keySet());
        }
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> round : rounds) {
            Double value = round.get(metric);
            if (value == null) {
                throw new IllegalStateException("variant " + variant + " has no metric " + metric);
            }
            values.add(value);
        }
        return values;
    }

    private double median(String variant, String metric) {
        return Pairs.median(values(variant, metric));
    }

    // ------------------------------------------------------------------ the report

    private String report(String started, boolean durable) {
        if (durable) {
            durableRows();
        } else {
            engineRows();
        }
        return table(started);
    }

    /** The durable queue figures: a durable queue worker beside db-scheduler on the same PostgreSQL. */
    private void durableRows() {
        String ours = "durable queue worker";
        String theirs = "db-scheduler";
        for (int consumers : new int[] {1, 3}) {
            String figure = "durable queue worker vs db-scheduler (lock-and-fetch), " + consumers + " consumer instance"
                    + (consumers == 1 ? "" : "s") + ", items/s drained";
            String a = ours + " ×" + consumers;
            String b = theirs + " ×" + consumers;
            ratioRow(figure, Pairs.of(values(a, "itemsPerSecond"), values(b, "itemsPerSecond")),
                    perOp(a, b, "cpu", "%.0f ns"), Target.atLeast(2.0));
            ratioRow("… the same, CPU per item in the database server (for information)",
                    Pairs.of(values(a, "dbCpu"), values(b, "dbCpu")), perOp(a, b, "dbCpu", "%.0f ns"), null);
        }
        ratioRow("durable `put` vs db-scheduler `schedule`, one producer thread, puts/s (for information)",
                Pairs.of(values(ours + " ×1", "putsPerSecond"), values(theirs + " ×1", "putsPerSecond")), "—", null);
        latency("idle put → run start on the same instance, p50, vs db-scheduler's immediate execution "
                + "(for information)", ours + " idle", theirs + " idle", "p50", null);
        latency("idle put → run start on the same instance, p99, vs db-scheduler's immediate execution "
                + "(for information)", ours + " idle", theirs + " idle", "p99", null);
        double p50 = median(ours + " idle", "p50");
        absolute("idle put → run start, p50 (p99)", String.format(Locale.ROOT, "%.2f ms (%.2f)", p50 / 1000,
                median(ours + " idle", "p99") / 1000), String.format(Locale.ROOT, "%.2f ms (%.2f)",
                median(theirs + " idle", "p50") / 1000, median(theirs + " idle", "p99") / 1000), "≤ 5 ms",
                p50 <= 5_000);
    }

    /** The engine's figures against the JDK's and Spring's executors. */
    private void engineRows() {
        throughput("spawn vs `ThreadPoolExecutor.submit`, tasks/s", "TaskSupervisor.spawn", "ThreadPoolExecutor.submit",
                Target.atLeast(1.0));
        cost("spawn vs `ThreadPoolExecutor.submit`, CPU per task", "TaskSupervisor.spawn", "ThreadPoolExecutor.submit",
                Target.atMost(1.1));
        throughput("spawn with priorities (`poolSize` 10) vs without, tasks/s", "TaskSupervisor.spawnWithPriorities",
                "TaskSupervisor.spawn", Target.atLeast(0.9));
        throughput("spawn with an MDC `TaskDecorator` vs Spring `ThreadPoolTaskExecutor.submit` with the same, tasks/s",
                "TaskSupervisor.spawnWithMdc", "ThreadPoolTaskExecutor.submitWithMdc", Target.atLeast(1.0));
        throughput("queue worker, 1 producer, vs a `LinkedBlockingQueue` taker, items/s", "QueueWorker.put",
                "LinkedBlockingQueue.take", Target.atLeast(1.0));
        cost("queue worker, 1 producer, vs a `LinkedBlockingQueue` taker, CPU per item", "QueueWorker.put",
                "LinkedBlockingQueue.take", Target.atMost(1.0));
        throughput("queue worker, 4 producers, vs a `LinkedBlockingQueue` taker, items/s", "QueueWorker.put ×4",
                "LinkedBlockingQueue.take ×4", Target.atLeast(1.0));
        throughput("`@Worker(queue = true)` method vs a one-thread `ThreadPoolTaskExecutor` calling it, items/s",
                "@Worker.put", "ThreadPoolTaskExecutor.execute", Target.atLeast(1.0));
        throughput("`@Worker(queue = true)` with an `ObservationRegistry` (Micrometer's `DefaultMeterObservationHandler`) "
                + "vs without, items/s", "@Worker.put+observation", "@Worker.put", Target.atLeast(0.9));
        cost("`@Worker(queue = true)` with an `ObservationRegistry` vs without, CPU per item",
                "@Worker.put+observation", "@Worker.put", Target.atMost(1.1));
        latency("event trigger → target start, p99, vs `LockSupport.unpark`", "trigger", "unpark", "p99",
                Target.atMost(1.5));
        latency("event trigger → target start, p50, vs `LockSupport.unpark` (for information)", "trigger", "unpark",
                "p50", null);
        latency("event trigger → target start, p99, vs an idle `ThreadPoolExecutor.execute` (for information)",
                "trigger", "execute", "p99", null);
        schedule("interval worker at 10 ms, lateness p99, vs `scheduleAtFixedRate`", "intervalWorker",
                "scheduleAtFixedRate", Target.atMost(1.2));
        schedule("interval worker at 10 ms, lateness p99, vs Spring `@Scheduled(fixedRate = 10)` (for information)",
                "intervalWorker", "springScheduled", null);
        schedule("cron worker every other second, lateness p99, vs Spring `@Scheduled(cron)` interleaved with it",
                "cronWorker", "springCron", Target.atMost(1.2));
        latency("cron worker every other second, lateness p50, vs Spring `@Scheduled(cron)` (for information)",
                "cronWorker", "springCron", "p50", null);
        double drift = median("intervalWorker", "drift");
        double bursts = sum("intervalWorker", "burstRuns");
        absolute("interval worker at 10 ms: drift over a block (median); ticks without a run, runs in a tick already run "
                        + "(all blocks); longest gap between two runs",
                intervalCounts("intervalWorker"), intervalCounts("scheduleAtFixedRate"),
                "drift within ±1 ms; no burst (no second run in a tick)", Math.abs(drift) <= 1_000 && bursts == 0);
        double heap = median("workers", "heapBytesPerWorker");
        absolute("10,000 idle workers: heap per worker", String.format(Locale.ROOT, "%.0f B", heap), "—", "≤ 400 B",
                heap <= 400);
        absolute("10,000 idle workers: live threads", String.format(Locale.ROOT, "%.0f", median("workers", "threads")),
                String.format(Locale.ROOT, "%.0f (empty supervisor)", median("empty", "threads")), "no more",
                median("workers", "threads") <= median("empty", "threads"));
        double extraCpu = median("workers", "extraCpuPercentOfCore");
        absolute("10,000 idle workers: extra CPU, % of one core (whole process / supervisor threads)",
                String.format(Locale.ROOT, "%+.3f%% / %+.3f%%", extraCpu, median("workers", "extraSupervisorCpuPercentOfCore")),
                String.format(Locale.ROOT, "empty: %.3f%% / %.3f%%", median("empty", "cpuPercentOfCore"),
                        median("empty", "supervisorCpuPercentOfCore")),
                "≤ 0.1%", extraCpu <= 0.1);
        double stop = median("stop", "p99");
        absolute("`stop()` with 100 idle workers, p99 (p50; max)", String.format(Locale.ROOT, "%.1f ms (%.1f; %.1f)",
                stop / 1000, median("stop", "p50") / 1000, median("stop", "max") / 1000), "—", "≤ 20 ms", stop <= 20_000);
    }

    private String table(String started) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Profile %s (%d pairs), %s, Java %s (%s), %d CPUs%n%n", profile.name(),
                profile.pairs(), started, Runtime.version(), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors()));
        out.append("| figure | ratio (median of pairs) | pairs' spread | CPU/op, ours / baseline | bytes/op, ours / baseline "
                + "| target | verdict |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> out.append(r).append('\n'));
        out.append("\nMedians of the rounds (ops/s; µs; ns of CPU and bytes per operation):\n\n```\n");
        measured.forEach((variant, rounds) -> {
            Map<String, List<Double>> byMetric = new LinkedHashMap<>();
            rounds.forEach(round -> round.forEach((metric, value) ->
                    byMetric.computeIfAbsent(metric, m -> new ArrayList<>()).add(value)));
            byMetric.forEach((metric, values) -> out.append(String.format(Locale.ROOT, "%s.%s = %.3f   %s%n", variant,
                    metric, Pairs.median(values), values.size() > 1 ? rounded(values) : "")));
        });
        out.append("```\n");
        return out.toString();
    }

    private static String rounded(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.4g", v)).toList().toString();
    }

    private void throughput(String figure, String ours, String baseline, Target target) {
        ratioRow(figure, Pairs.of(values(ours, "ops"), values(baseline, "ops")), ours, baseline, target);
    }

    private void cost(String figure, String ours, String baseline, Target target) {
        ratioRow(figure, Pairs.of(values(ours, "cpu"), values(baseline, "cpu")), ours, baseline, target);
    }

    private void latency(String figure, String ours, String baseline, String percentile, Target target) {
        ratioRow(figure, Pairs.of(values(ours, percentile), values(baseline, percentile)), ours, baseline, target);
    }

    private void ratioRow(String figure, Pairs pairs, String ours, String baseline, Target target) {
        rows.add("| " + figure + " | " + pairs.medianText() + " | " + pairs.spreadText() + " | "
                + perOp(ours, baseline, "cpu", "%.0f ns") + " | " + perOp(ours, baseline, "bytes", "%.0f B") + " | "
                + (target == null ? "—" : target) + " | " + (target == null ? "—" : pairs.verdict(target)) + " |");
    }

    /** A row whose cost column is {@code cost} and which measures no bytes. */
    private void ratioRow(String figure, Pairs pairs, String cost, Target target) {
        rows.add("| " + figure + " | " + pairs.medianText() + " | " + pairs.spreadText() + " | " + cost + " | — | "
                + (target == null ? "—" : target) + " | " + (target == null ? "—" : pairs.verdict(target)) + " |");
    }

    private void schedule(String figure, String ours, String baseline, Target target) {
        Pairs pairs = Pairs.of(values(ours, "p99"), values(baseline, "p99"));
        rows.add("| " + figure + " | " + pairs.medianText() + " | " + pairs.spreadText() + " | "
                + String.format(Locale.ROOT, "p99 %.0f / %.0f µs", median(ours, "p99"), median(baseline, "p99"))
                + " | — | " + (target == null ? "—" : target) + " | " + (target == null ? "—" : pairs.verdict(target)) + " |");
    }

    /** {@code "812 ns / 790 ns"}: the medians of a cost, or a dash where it was not measured. */
    private String perOp(String ours, String baseline, String metric, String format) {
        if (!measured.get(ours).get(0).containsKey(metric)) {
            return "—";
        }
        return String.format(Locale.ROOT, format + " / " + format, median(ours, metric), median(baseline, metric));
    }

    /** A schedule's drift and tick counts over every block, as the interval row shows them. */
    private String intervalCounts(String name) {
        double longestGap = values(name, "longestGap").stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return String.format(Locale.ROOT, "%+.0f µs; %.0f without, %.0f in a tick already run; longest gap %.1f ms",
                median(name, "drift"), sum(name, "missedTicks"), sum(name, "burstRuns"), longestGap / 1_000);
    }

    private double sum(String name, String key) {
        return values(name, key).stream().mapToDouble(Double::doubleValue).sum();
    }

    private void absolute(String figure, String ours, String baseline, String target, boolean met) {
        rows.add("| " + figure + " | " + ours + " | " + baseline + " | — | — | " + target + " | "
                + (met ? "met" : "**not met**") + " |");
    }
}
