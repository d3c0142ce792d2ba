package dev.tasksupervisor.benchmarks.harness;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.benchmarks.ProcessCost;
import dev.tasksupervisor.benchmarks.Profile;
import dev.tasksupervisor.jdbc.JdbcQueueStore;
import dev.tasksupervisor.store.PayloadCodec;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Durable queue workers on PostgreSQL beside db-scheduler's one-time tasks polled with lock-and-fetch, on the same
 * database, each round measuring both sides back to back (the order reversed every other round):
 * <ul>
 *   <li><b>drain</b>: {@code items} no-op items stored first (one put per item through a client of each side, which
 *       gives the put rate), then one or three consumer instances started, timed until every item ran: items per
 *       second from claim to removal, the database's work included. Each instance has a connection pool of its own
 *       (Hikari's default size, 10), as separate processes would;</li>
 *   <li><b>idle</b>: one started consumer with nothing to do; a put through that instance (the supervisor's
 *       after-commit notice, db-scheduler's immediate execution), timed to the start of its run, spaced
 *       {@value #LATENCY_GAP_MILLIS} ms apart.</li>
 * </ul>
 * db-scheduler runs as its users configure it: {@value #SCHEDULER_THREADS} threads (its default), lock-and-fetch
 * (fetching again once half its threads are free), immediate execution, and a one-second polling interval, the same
 * as a durable queue worker's poll delay; its item is an {@code Integer} in its default (Java) serialization, ours
 * an {@code Integer} as JSON text. CPU per item is the JVM's (every thread) and the database server's (every
 * {@code postgres} process, from {@code /proc}); both sides use the same database, emptied before each measurement.
 *
 * <p>Needs a PostgreSQL server: its JDBC URL in {@value #URL_VARIABLE} ({@code supervisor-benchmarks/run durable}
 * starts a throwaway one).
 */
final class DurableQueueHarness implements Harness.Measurement {

    static final String URL_VARIABLE = "SUPERVISOR_BENCH_POSTGRESQL_URL";

    private static final String QUEUE = "bench";
    private static final int POOL_SIZE = 10;
    private static final int SCHEDULER_THREADS = 10;
    private static final long LATENCY_GAP_MILLIS = 20;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    /** The database's clock ticks per second ({@code getconf CLK_TCK}), which {@code /proc/<pid>/stat} counts in. */
    private static final long TICKS_PER_SECOND = 100;

    /** db-scheduler's table, as its documentation gives it for PostgreSQL. */
    private static final String SCHEDULER_TABLE = """
            CREATE TABLE IF NOT EXISTS scheduled_tasks (
                task_name TEXT NOT NULL,
                task_instance TEXT NOT NULL,
                task_data BYTEA,
                execution_time TIMESTAMP WITH TIME ZONE NOT NULL,
                picked BOOLEAN NOT NULL,
                picked_by TEXT,
                last_success TIMESTAMP WITH TIME ZONE,
                last_failure TIMESTAMP WITH TIME ZONE,
                consecutive_failures INT,
                last_heartbeat TIMESTAMP WITH TIME ZONE,
                version BIGINT NOT NULL,
                priority SMALLINT,
                PRIMARY KEY (task_name, task_instance));
            CREATE INDEX IF NOT EXISTS execution_time_idx ON scheduled_tasks (execution_time);
            CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
            CREATE INDEX IF NOT EXISTS priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)
            """;

    private static final PayloadCodec<Integer> CODEC = new PayloadCodec<>() {
        @Override
        public String write(Integer item) {
            return item.toString();
        }

        @Override
        public Integer read(String payload) {
            return Integer.valueOf(payload);
        }
    };

    /** What each run does now: set by the measuring thread between measurements, read by every consumer. */
    private volatile IntConsumer ran = item -> { };
    /** When the idle put being timed began: written by the measuring thread before the put, read by its run. */
    private volatile long putAt;

    private final String url = requireUrl();

    @Override
    public Harness.Results run(Profile profile) throws Exception {
        Harness.Results results = new Harness.Results();
        try (HikariDataSource admin = pool("bench-admin")) {
            JdbcTemplate jdbc = new JdbcTemplate(admin);
            new JdbcQueueStore(admin).initializeSchema();
            for (String statement : SCHEDULER_TABLE.split(";")) {
                jdbc.execute(statement);
            }
            List<Side> sides = List.of(new Supervisor(), new DbScheduler());
            int items = profile.durableItems();
            // Warm-up, not recorded: the same work as a round, so both sides' code is compiled before the first pair.
            for (Side side : sides) {
                for (int consumers : new int[] {1, 3}) {
                    drain(jdbc, side, consumers, items);
                }
                idle(side, profile.durableLatencySamples());
                System.out.println("warmed up: " + side.name());
            }
            for (int round = 0; round < profile.pairs(); round++) {
                List<Side> order = new ArrayList<>(sides);
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (int consumers : new int[] {1, 3}) {
                    for (Side side : order) {
                        Drained drained = drain(jdbc, side, consumers, items);
                        String variant = side.name() + " ×" + consumers;
                        results.put(variant, round, "itemsPerSecond", drained.itemsPerSecond());
                        results.put(variant, round, "putsPerSecond", drained.putsPerSecond());
                        results.put(variant, round, "cpu", drained.jvmCpuPerItem());
                        results.put(variant, round, "dbCpu", drained.dbCpuPerItem());
                        System.out.printf(java.util.Locale.ROOT, "round %d: %-26s %,8.0f items/s %,8.0f puts/s "
                                + "%,8.0f ns JVM CPU/item %,8.0f ns database CPU/item%n", round + 1, variant,
                                drained.itemsPerSecond(), drained.putsPerSecond(), drained.jvmCpuPerItem(),
                                drained.dbCpuPerItem());
                    }
                }
                for (Side side : order) {
                    Samples idle = idle(side, profile.durableLatencySamples());
                    results.putLatencies(side.name() + " idle", round, idle);
                    System.out.printf(java.util.Locale.ROOT, "round %d: %-26s idle put -> run p50 %.2f ms, p99 %.2f ms%n",
                            round + 1, side.name(), idle.percentile(50) / 1e6, idle.percentile(99) / 1e6);
                }
            }
        }
        return results;
    }

    // ------------------------------------------------------------------ measurements

    private record Drained(double itemsPerSecond, double putsPerSecond, double jvmCpuPerItem, double dbCpuPerItem) {
    }

    private Drained drain(JdbcTemplate jdbc, Side side, int consumers, int items) throws Exception {
        jdbc.execute("TRUNCATE supervisor_queue_item, supervisor_queue_dead_letter, scheduled_tasks");
        List<Instance> instances = new ArrayList<>();
        try (Producer producer = side.producer()) {
            long putStart = System.nanoTime();
            for (int i = 0; i < items; i++) {
                producer.put(i);
            }
            double putSeconds = (System.nanoTime() - putStart) / 1e9;
            for (int i = 0; i < consumers; i++) {
                instances.add(side.open(i));
            }
            CountDownLatch done = new CountDownLatch(items);
            ran = item -> done.countDown();
            ProcessCost before = ProcessCost.now();
            long dbBefore = databaseCpuNanos();
            long start = System.nanoTime();
            for (Instance instance : instances) {
                instance.start();
            }
            if (!done.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(side.name() + " ×" + consumers + " ran " + (items - done.getCount())
                        + " of " + items + " items in " + DRAIN_TIMEOUT);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long dbCpu = databaseCpuNanos() - dbBefore;
            ProcessCost after = ProcessCost.now();
            return new Drained(items / seconds, items / putSeconds, after.cpuPerOp(before, items),
                    (double) dbCpu / items);
        } finally {
            ran = item -> { };
            for (Instance instance : instances) {
                instance.close();
            }
        }
    }

    private Samples idle(Side side, int count) throws Exception {
        Samples samples = new Samples(count);
        Semaphore started = new Semaphore(0);
        try (Instance instance = side.open(0)) {
            instance.start();
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // past its first, empty, claim
            ran = item -> {
                samples.add(System.nanoTime() - putAt);
                started.release();
            };
            for (int i = 0; i < count; i++) {
                LockSupport.parkNanos(Duration.ofMillis(LATENCY_GAP_MILLIS).toNanos());
                putAt = System.nanoTime();
                instance.put(i);
                if (!started.tryAcquire(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(side.name() + ": an idle put did not run in " + DRAIN_TIMEOUT);
                }
            }
        } finally {
            ran = item -> { };
        }
        return samples;
    }

    // ------------------------------------------------------------------ the two sides

    /** One way of keeping work in the database: a producer that stores items, and consumer instances. */
    private interface Side {
        String name();

        Producer producer() throws Exception;

        /** A consumer instance with connections of its own, not started. */
        Instance open(int number) throws Exception;
    }

    /** Stores items, as another instance would. */
    private interface Producer extends AutoCloseable {
        void put(int item);
    }

    /** A consumer: started, it runs the stored items; {@link #put} stores through it (its own wake-up). */
    private interface Instance extends AutoCloseable {
        void start();

        void put(int item);
    }

    private final class Supervisor implements Side {

        @Override
        public String name() {
            return "durable queue worker";
        }

        @Override
        public Producer producer() {
            HikariDataSource pool = pool("bench-producer");
            JdbcQueueStore store = new JdbcQueueStore(pool);
            return new Producer() {
                @Override
                public void put(int item) {
                    store.put(QUEUE, CODEC.write(item), null);
                }

                @Override
                public void close() {
                    pool.close();
                }
            };
        }

        @Override
        public Instance open(int number) {
            HikariDataSource pool = pool("bench-supervisor-" + number);
            JdbcQueueStore store = new JdbcQueueStore(pool);
            TaskSupervisor supervisor = new TaskSupervisor("bench-" + number);
            supervisor.start();
            DurableQueueWorker<Integer> worker = new DurableQueueWorker<>(supervisor, QUEUE,
                    WorkerTarget.<Integer>of(item -> ran.accept(item)), store, CODEC);
            return new Instance() {
                @Override
                public void start() {
                    worker.start();
                }

                @Override
                public void put(int item) {
                    worker.put(item);
                }

                @Override
                public void close() {
                    supervisor.stop();
                    store.close();
                    pool.close();
                }
            };
        }
    }

    private final class DbScheduler implements Side {

        private final OneTimeTask<Integer> task = Tasks.oneTime("bench", Integer.class)
                .execute((instance, context) -> ran.accept(instance.getData()));

        @Override
        public String name() {
            return "db-scheduler";
        }

        @Override
        public Producer producer() {
            HikariDataSource pool = pool("bench-producer");
            SchedulerClient client = SchedulerClient.Builder.create(pool, task).build();
            Instant now = Instant.now();
            return new Producer() {
                @Override
                public void put(int item) {
                    client.schedule(task.instance(Integer.toString(item), item), now);
                }

                @Override
                public void close() {
                    pool.close();
                }
            };
        }

        @Override
        public Instance open(int number) {
            HikariDataSource pool = pool("bench-scheduler-" + number);
            Scheduler scheduler = Scheduler.create(pool, task)
                    .threads(SCHEDULER_THREADS)
                    .pollUsingLockAndFetch(0.5, 1.0)
                    .enableImmediateExecution()
                    .pollingInterval(Duration.ofSeconds(1))
                    .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed("bench-" + number))
                    .build();
            return new Instance() {
                private int next;

                @Override
                public void start() {
                    scheduler.start();
                }

                @Override
                public void put(int item) {
                    scheduler.schedule(task.instance("idle-" + next++, item), Instant.now());
                }

                @Override
                public void close() {
                    scheduler.stop();
                    pool.close();
                }
            };
        }
    }

    // ------------------------------------------------------------------ set-up

    private static String requireUrl() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("the durable harness needs a PostgreSQL server: set " + URL_VARIABLE
                    + " to its JDBC URL, or run supervisor-benchmarks/run durable, which starts one");
        }
        return url;
    }

    /** A Hikari pool of {@value #POOL_SIZE} connections, all opened now so that none is opened while measuring. */
    private HikariDataSource pool(String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName(name);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        HikariDataSource pool = new HikariDataSource(config);
        List<Connection> opened = new ArrayList<>();
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                opened.add(pool.getConnection());
            }
            for (Connection connection : opened) {
                connection.close();
            }
        } catch (SQLException e) {
            pool.close();
            throw new IllegalStateException("could not open " + POOL_SIZE + " connections to " + url, e);
        }
        return pool;
    }

    /** CPU time of every {@code postgres} process (the server and its backends), from {@code /proc/<pid>/stat}. */
    private static long databaseCpuNanos() {
        long ticks = ProcessHandle.allProcesses()
                .filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
                .mapToLong(process -> statTicks(process.pid()))
                .sum();
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /** utime + stime of a process, or 0 if it ended meanwhile. */
    private static long statTicks(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            // The command name, in parentheses, may hold spaces: count the fields after its closing one.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }
}
