package dev.tasksupervisor.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * Three instances of an application in one JVM, each its own context and supervisor, sharing one database
 * through ShedLock's JDBC provider, each with the same locked interval worker: together they run it as one
 * instance would, and when the instance holding the lock goes, another takes over. Subclasses say which
 * database.
 */
abstract class ClusterLockContract {

    static final Duration INTERVAL = Duration.ofMillis(100);
    /** Slightly less than the interval, as ShedLock advises, so that a tick's run bars the other instances' ticks. */
    static final Duration AT_LEAST_FOR = Duration.ofMillis(80);
    static final Duration AT_MOST_FOR = Duration.ofSeconds(2);
    static final Duration WINDOW = Duration.ofSeconds(3);
    /** What a run does: long enough that two instances running at once would overlap. */
    static final Duration WORK = Duration.ofMillis(20);
    /**
     * Up to this much delay between taking the lock and the target starting, at random: what a loaded machine
     * does anyway, made certain, so that the bounds below are known to hold on one.
     */
    static final int JITTER_MILLIS = 60;
    /** Clock granularity between the database (lock times, in milliseconds) and System.nanoTime(). */
    static final long CLOCK_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(15);

    /** Runs by lock name, so that each test (and each database) records apart. */
    static final Map<String, Queue<Run>> RUNS = new ConcurrentHashMap<>();

    /**
     * The ask and answer times of the lock the current thread last got: a sync run asks for its lock and runs
     * its target on one pool thread.
     */
    static final ThreadLocal<long[]> LAST_GRANT = new ThreadLocal<>();

    /**
     * One run: when its node began asking for the lock it then got, when the lock call returned it, when the
     * target started and when it ended (all {@link System#nanoTime()}).
     */
    record Run(String node, long askedNanos, long grantedNanos, long startNanos, long endNanos) {
    }

    /** The JDBC URL of the shared database, credentials included; a test that has none is skipped. */
    protected abstract String jdbcUrl();

    @Test
    void threeInstancesRunOncePerTickAndAnotherTakesOverWhenTheHolderGoes() {
        String url = jdbcUrl();
        createLockTable(url);
        String lock = "cluster-" + UUID.randomUUID();
        Queue<Run> runs = new ConcurrentLinkedQueue<>();
        RUNS.put(lock, runs);
        List<ConfigurableApplicationContext> nodes = new ArrayList<>();
        SingleConnectionDataSource crashedNode = new SingleConnectionDataSource(url, true);
        try {
            for (int i = 1; i <= 3; i++) {
                nodes.add(startNode("node-" + i, url, lock));
            }
            long windowStart = System.nanoTime();
            // A measuring window, not a wait for anything: the nodes tick on their own meanwhile.
            await().atMost(WINDOW.plusSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> System.nanoTime() - windowStart >= WINDOW.toNanos());
            long windowNanos = System.nanoTime() - windowStart;
            // Only runs whose lock was asked for inside the window: node-1 runs alone while the others start.
            List<Run> window = sorted(runs).stream().filter(run -> run.askedNanos() >= windowStart).toList();

            assertNoTwoRunsAtOnceNorWithinATick(window);
            long oneNodesSchedule = windowNanos / INTERVAL.toNanos();
            // At most one lock per lockAtLeastFor, each taken inside the window (three unlocked nodes would make ~3x
            // the schedule); at least half the schedule's ticks ran somewhere (the machines are slow and shared).
            assertThat((long) window.size()).as("runs of all nodes in %s ms; one node's schedule is %s",
                    windowNanos / 1_000_000, oneNodesSchedule)
                    .isLessThanOrEqualTo(windowNanos / AT_LEAST_FOR.toNanos() + 2)
                    .isGreaterThanOrEqualTo(oneNodesSchedule / 2);
            long skips = nodes.stream().mapToLong(node -> worker(node).getSkips()).sum();
            assertThat(skips).as("ticks skipped because another node held the lock").isPositive();
            nodes.forEach(node -> assertThat(worker(node).getFailures()).isZero());

            // The node that ran last goes away (as at a redeploy): the others go on within lockAtMostFor.
            List<Run> soFar = sorted(runs);
            String holder = soFar.get(soFar.size() - 1).node();
            ConfigurableApplicationContext leaving = nodes.stream()
                    .filter(node -> node.getEnvironment().getProperty("test.node").equals(holder)).findFirst().orElseThrow();
            leaving.close();
            nodes.remove(leaving);
            long closed = System.nanoTime();
            await().atMost(AT_MOST_FOR.plusSeconds(5))
                    .until(() -> runs.stream().anyMatch(run -> run.startNanos() > closed));
            Run next = sorted(runs).stream().filter(run -> run.startNanos() > closed).findFirst().orElseThrow();
            assertThat(next.node()).isNotEqualTo(holder);
            assertThat(next.startNanos() - closed).isLessThanOrEqualTo(AT_MOST_FOR.toNanos());
            assertThat(runs).filteredOn(run -> run.node().equals(holder) && run.startNanos() > closed).isEmpty();

            // A holder that dies without releasing the lock: the others skip until lockAtMostFor has passed.
            LockProvider crashing = lockProvider(crashedNode, "crashed-node");
            long skipsBefore = nodes.stream().mapToLong(node -> worker(node).getSkips()).sum();
            AtomicReference<Optional<SimpleLock>> taken = new AtomicReference<>(Optional.empty());
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
                taken.set(crashing.lock(new LockConfiguration(ClockProvider.now(), lock, AT_MOST_FOR, Duration.ZERO)));
                return taken.get().isPresent();
            });
            long crashed = System.nanoTime();
            await().atMost(AT_MOST_FOR.plusSeconds(8))
                    .until(() -> runs.stream().anyMatch(run -> run.startNanos() > crashed));
            Run takeover = sorted(runs).stream().filter(run -> run.startNanos() > crashed).findFirst().orElseThrow();
            assertThat(takeover.startNanos() - crashed).as("no run while the dead node's lock was valid")
                    .isGreaterThanOrEqualTo(AT_MOST_FOR.toNanos() - CLOCK_SLACK_NANOS - TimeUnit.MILLISECONDS.toNanos(100))
                    .isLessThanOrEqualTo(AT_MOST_FOR.plusSeconds(5).toNanos());
            assertThat(nodes.stream().mapToLong(node -> worker(node).getSkips()).sum()).isGreaterThan(skipsBefore);
            assertNoTwoRunsAtOnceNorWithinATick(sorted(runs));
        } finally {
            nodes.forEach(ConfigurableApplicationContext::close);
            crashedNode.destroy();
            RUNS.remove(lock);
            new JdbcTemplate(new SingleConnectionDataSource(url, false)).update("DELETE FROM shedlock WHERE name = ?",
                    lock);
        }
    }

    /**
     * No overlap, strictly; and no lock taken within lockAtLeastFor of the one before. The database dates a
     * lock at some moment between the ask and its answer, so two locks' dates are at most (answer of the later)
     * minus (ask of the earlier) apart: a delay anywhere (scheduling, the database, the jitter) only lengthens
     * that span, so it is compared with lockAtLeastFor with no slack but the clocks' granularity. The starts of
     * the targets are not: a delay between taking a lock and starting the target brings two starts closer.
     */
    private static void assertNoTwoRunsAtOnceNorWithinATick(List<Run> runs) {
        assertThat(runs).isNotEmpty();
        for (int i = 1; i < runs.size(); i++) {
            Run before = runs.get(i - 1);
            Run after = runs.get(i);
            assertThat(after.startNanos()).as("%s started before %s ended", after, before)
                    .isGreaterThanOrEqualTo(before.endNanos());
            assertThat(after.grantedNanos() - before.askedNanos()).as("%s locked within lockAtLeastFor of %s", after,
                    before).isGreaterThanOrEqualTo(AT_LEAST_FOR.toNanos() - CLOCK_SLACK_NANOS);
        }
    }

    private static List<Run> sorted(Queue<Run> runs) {
        List<Run> list = new ArrayList<>(runs);
        list.sort(Comparator.comparingLong(Run::startNanos));
        return list;
    }

    private static BackgroundWorker worker(ConfigurableApplicationContext node) {
        return node.getBean(TaskSupervisor.class).getWorker("report");
    }

    /** The table ShedLock's JDBC providers use, as its documentation gives it; the same SQL for H2 and PostgreSQL. */
    static void createLockTable(String url) {
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url, false);
        new JdbcTemplate(dataSource).execute("CREATE TABLE IF NOT EXISTS shedlock (name VARCHAR(64) NOT NULL, "
                + "lock_until TIMESTAMP NOT NULL, locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL, "
                + "PRIMARY KEY (name))");
    }

    static LockProvider lockProvider(DataSource dataSource, String node) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource)).withLockedByValue(node).usingDbTime().build());
    }

    private static ConfigurableApplicationContext startNode(String node, String url, String lock) {
        return new SpringApplicationBuilder(Node.class).web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties("supervisor.id=" + node + "-" + UUID.randomUUID().toString().substring(0, 8),
                        "supervisor.keep-jvm-alive=false", "test.node=" + node, "test.url=" + url, "test.lock=" + lock)
                .run();
    }

    /** One instance of the application: a database connection, ShedLock's JDBC provider, and the locked worker. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, SupervisorAutoConfiguration.class})
    static class Node {

        /** One connection per node: its lock calls come one at a time, from one run after another. */
        @Bean
        SingleConnectionDataSource dataSource(@Value("${test.url}") String url) {
            return new SingleConnectionDataSource(url, true);
        }

        @Bean
        LockProvider lockProvider(DataSource dataSource, @Value("${test.node}") String node) {
            LockProvider provider = ClusterLockContract.lockProvider(dataSource, node);
            return configuration -> {
                long asked = System.nanoTime();
                Optional<SimpleLock> taken = provider.lock(configuration);
                if (taken.isPresent()) {
                    LAST_GRANT.set(new long[] {asked, System.nanoTime()});
                }
                return taken;
            };
        }

        /** Between taking the lock and starting the target (the worker's runs are decorated once, around the target). */
        @Bean
        TaskDecorator jitter() {
            return task -> () -> {
                busyFor(ThreadLocalRandom.current().nextInt(JITTER_MILLIS + 1));
                task.run();
            };
        }

        @Bean
        Report report(@Value("${test.node}") String node, @Value("${test.lock}") String lock) {
            return new Report(node, RUNS.get(lock));
        }
    }

    /** Work or delay that takes a while; not a wait for anything. */
    static void busyFor(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The locked worker, recording each run's node, start and end. */
    static class Report {

        private final String node;
        private final Queue<Run> runs;

        Report(String node, Queue<Run> runs) {
            this.node = node;
            this.runs = runs;
        }

        @Worker(name = "report", interval = "100ms", lock = "${test.lock}", lockAtMostFor = "2s", lockAtLeastFor = "80ms")
        void report() {
            long start = System.nanoTime();
            long[] grant = LAST_GRANT.get();
            busyFor(WORK.toMillis()); // the run's work
            runs.add(new Run(node, grant[0], grant[1], start, System.nanoTime()));
        }
    }
}
