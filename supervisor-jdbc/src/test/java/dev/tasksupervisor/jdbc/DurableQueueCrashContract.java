package dev.tasksupervisor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tasksupervisor.worker.DurableQueueWorker;

/**
 * The durable queue's promises the hard way, with instances in JVMs of their own ({@link DurableQueueProcess}) on
 * one database: killed with SIGKILL mid-drain, frozen with SIGSTOP past its lease, or three at once. Each run
 * records its item in a table, so the test counts what ran, and how often.
 */
abstract class DurableQueueCrashContract {

    static final Duration PATIENCE = Duration.ofMinutes(2);
    static final int ITEMS = 10_000;
    /** Short, so that a killed instance's items come back within the test. */
    static final long LEASE_MILLIS = 2_000;

    @TempDir
    Path logs;

    JdbcQueueStore store;
    JdbcTemplate jdbc;
    String queue;
    String table;
    private final List<Process> processes = new ArrayList<>();

    /** The JDBC URL of the database the instances share, credentials included; may skip the test. */
    protected abstract String url();

    /** The same database, for the test's own side. */
    protected abstract DataSource dataSource();

    @BeforeEach
    void newQueue(TestInfo test) {
        store = new JdbcQueueStore(dataSource());
        store.initializeSchema();
        jdbc = new JdbcTemplate(dataSource());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        queue = test.getTestMethod().orElseThrow().getName() + "-" + suffix;
        table = "ran_" + suffix;
        jdbc.execute("CREATE TABLE " + table + " (item INT NOT NULL, instance VARCHAR(100) NOT NULL)");
    }

    @AfterEach
    void killInstances() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        if (jdbc != null) { // null when the test was skipped for want of a database
            jdbc.execute("DROP TABLE " + table);
        }
    }

    @Test
    void aJvmKilledMidDrainLosesNothingAndRunsAtMostItsClaimAgain(TestReporter report) throws Exception {
        putItems(ITEMS);
        Process first = instance("plain", "first");
        await().atMost(PATIENCE).until(() -> ran() >= ITEMS / 5);

        first.destroyForcibly().waitFor(); // SIGKILL: no stop, no release, its claimed items stay claimed
        long ranBeforeKill = ran();
        instance("plain", "second");
        awaitEmptyQueue();

        assertThat(distinctRan()).as("every item ran at least once").isEqualTo(ITEMS);
        long duplicates = ran() - ITEMS;
        assertThat(duplicates).as("only what the killed JVM held ran twice (its claim of up to %d items)",
                DurableQueueWorker.DEFAULT_CLAIM_SIZE).isBetween(0L, (long) DurableQueueWorker.DEFAULT_CLAIM_SIZE);
        assertThat(ranBeforeKill).isLessThan(ITEMS);
        report.publishEntry("SIGKILL after " + ranBeforeKill + " runs", duplicates + " duplicate run(s)");
    }

    @Test
    void withTheTransactionalRunAJvmKilledMidRunLeavesEachItemsEffectExactlyOnce() throws Exception {
        putItems(ITEMS);
        Process first = instance("transactional", "first");
        await().atMost(PATIENCE).until(() -> ran() >= ITEMS / 5);

        first.destroyForcibly().waitFor();
        instance("transactional", "second");
        awaitEmptyQueue();

        assertThat(distinctRan()).isEqualTo(ITEMS);
        assertThat(ran()).as("no effect twice: a run cut short rolled back with its removal").isEqualTo(ITEMS);
    }

    @Test
    void anInstanceFrozenPastItsLeaseHandsItsItemsToAnother() throws Exception {
        putItems(40);
        Process frozen = instance("slow", "frozen");
        await().atMost(PATIENCE).until(() -> ran() >= 1);
        signal("STOP", frozen); // its lease extensions stop with it
        long ranWhileFrozen = ran();

        instance("slow", "other");
        await().atMost(PATIENCE).until(() -> distinctRan() == 40);
        signal("CONT", frozen);
        awaitEmptyQueue();

        assertThat(ranBy("other")).as("the other instance ran what the frozen one held").isPositive();
        assertThat(ranWhileFrozen).isLessThan(40);
        assertThat(distinctRan()).isEqualTo(40);
    }

    /** Puts {@code count} items 0 to count - 1, in one transaction. */
    void putItems(int count) {
        new TransactionTemplate(new DataSourceTransactionManager(dataSource())).executeWithoutResult(status -> {
            for (int i = 0; i < count; i++) {
                store.put(queue, DurableQueueWorkerContract.NUMBERS.write(i), null);
            }
        });
    }

    Process instance(String mode, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                DurableQueueProcess.class.getName(), url(), queue, table, mode, String.valueOf(LEASE_MILLIS), name)
                .redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile()).start();
        processes.add(process);
        return process;
    }

    void awaitEmptyQueue() {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> store.depth(queue) == 0 && store.inFlight(queue) == 0);
    }

    long ran() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
    }

    long distinctRan() {
        return jdbc.queryForObject("SELECT COUNT(DISTINCT item) FROM " + table, Long.class);
    }

    long ranBy(String instance) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE instance = ?", Long.class, instance);
    }

    Map<String, Object> runsPerInstance() {
        Map<String, Object> runs = new java.util.TreeMap<>();
        jdbc.query("SELECT instance, COUNT(*) AS runs FROM " + table + " GROUP BY instance",
                (java.sql.ResultSet rs) -> {
                    runs.put(rs.getString("instance"), rs.getLong("runs"));
                });
        return runs;
    }

    private static void signal(String signal, Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
    }
}
