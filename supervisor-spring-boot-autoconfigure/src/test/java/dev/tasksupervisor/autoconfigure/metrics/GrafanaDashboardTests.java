package dev.tasksupervisor.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.jayway.jsonpath.JsonPath;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * The Grafana dashboard in {@code docs/grafana} (issue 19) queries only what the starter publishes: every metric
 * name in its PromQL (panels and template variables) is one a Prometheus scrape shows after a worker of each
 * kind has run, so the dashboard cannot drift from the meters.
 */
class GrafanaDashboardTests {

    static final Path DASHBOARD = Path.of("../docs/grafana/task-supervisor.json");

    /** PromQL words that are neither functions (those are followed by a parenthesis) nor metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void everyMetricTheDashboardQueriesIsOneTheStarterPublishes() throws Exception {
        String json = Files.readString(DASHBOARD);
        List<String> queries = new ArrayList<>(JsonPath.read(json, "$..targets[*].expr"));
        List<String> variables = JsonPath.read(json, "$.templating.list[?(@.type == 'query')].query.query");
        assertThat(variables).as("application, instance and worker variables").hasSize(3);
        queries.addAll(variables);
        assertThat((List<String>) JsonPath.read(json, "$.templating.list[*].name"))
                .contains("application", "instance", "worker");

        Set<String> queried = new TreeSet<>();
        for (String query : queries) {
            Set<String> names = metricNames(query);
            assertThat(names).as("metric names in %s", query).isNotEmpty();
            queried.addAll(names);
        }
        Set<String> published = published();
        assertThat(published).as("what the dashboard queries: %s", queried).containsAll(queried);
        // Each part of the picture is there: pool, runs by outcome, last success, queues, retries, dead letters,
        // paused, overdue.
        assertThat(queried).contains("executor_active_threads", "supervisor_worker_runs_seconds_count",
                "supervisor_worker_last_success_age_seconds", "supervisor_worker_queue_size_items",
                "supervisor_worker_retries_items_total", "supervisor_worker_dead_letters_items_total",
                "supervisor_worker_paused", "supervisor_worker_overdue", "supervisor_worker_queue_stuck_seconds");
    }

    @Test
    void theNamesOfAQueryAreItsMetricsNotItsFunctionsLabelsOrVariables() {
        assertThat(metricNames("sum by (worker, outcome) (rate(supervisor_worker_runs_seconds_count"
                + "{application=~\"$application\",worker=~\"$worker\",outcome!=\"skipped\"}[$__rate_interval]))"))
                .containsExactly("supervisor_worker_runs_seconds_count");
        assertThat(metricNames("label_values(executor_pool_size_threads{name=\"supervisor\"}, application)"))
                .containsExactly("executor_pool_size_threads");
        assertThat(metricNames("max by (worker) (a_seconds{x=\"y\"}) * 1000 / on (worker) b_total offset 5m"))
                .containsExactly("a_seconds", "b_total");
    }

    /** The metric names in a PromQL expression (or a Grafana {@code label_values} query). */
    static Set<String> metricNames(String query) {
        String bare = query.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^\\]]*\\]", " ") // ranges
                .replaceAll("\\$\\w+", " ") // Grafana variables
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        // label_values(metric, label): the label is no metric.
        bare = bare.replaceAll("label_values\\(([^,()]*),[^)]*\\)", "label_values($1)");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String word = identifier.group();
            int after = identifier.end();
            while (after < bare.length() && Character.isWhitespace(bare.charAt(after))) {
                after++;
            }
            boolean function = after < bare.length() && bare.charAt(after) == '(';
            boolean number = identifier.start() > 0 && Character.isDigit(bare.charAt(identifier.start() - 1));
            if (!function && !number && !KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** The metric names of a scrape after a worker of each kind has run, each with its own meters. */
    private static Set<String> published() throws Exception {
        TaskSupervisor supervisor = new TaskSupervisor("grafana-" + UUID.randomUUID().toString().substring(0, 8));
        supervisor.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(4).build());
        supervisor.start();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (SupervisorMetrics metrics = new SupervisorMetrics(supervisor)) {
            metrics.bindTo(registry);
            supervisor.createAloop("io", true, true, true);
            IntervalWorker interval = new IntervalWorker(supervisor, "tick", Duration.ofHours(1), WorkerTarget.of(() -> { }));
            IntervalWorker locked = new IntervalWorker(supervisor, "locked", Duration.ofHours(1), WorkerTarget.of(() -> { }));
            locked.setRunGuard(worker -> Optional.empty());
            EventWorker event = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> { }));
            QueueWorker<String> queue = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(item -> { }));
            ContinuousWorker continuous = new ContinuousWorker(supervisor, "loop", WorkerTarget.of(() -> { }));
            interval.start();
            locked.start();
            event.start();
            queue.start();
            continuous.start();
            event.trigger();
            queue.put("A-1");
            await().until(() -> interval.getRuns() >= 1 && locked.getSkips() >= 1 && event.getRuns() >= 1
                    && queue.getRuns() >= 1 && continuous.getRuns() >= 1);
            Set<String> names = new TreeSet<>();
            for (String line : registry.scrape().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
            return names;
        } finally {
            supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
        }
    }
}
