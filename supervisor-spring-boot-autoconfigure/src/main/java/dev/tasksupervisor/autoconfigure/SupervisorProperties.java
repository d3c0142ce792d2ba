package dev.tasksupervisor.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.tasksupervisor.observation.QueueItemObservation;
import dev.tasksupervisor.worker.MisfirePolicy;

/**
 * Configuration of the auto-configured task supervisor, its aloops and its workers ({@code supervisor.*}).
 *
 * <p>Why one long file: the nested classes are the property tree ({@code supervisor.pool.*},
 * {@code supervisor.workers.<name>.lock.*}, ...), which Spring Boot binds and documents from this one
 * class; most of its length is getters and setters.
 */
@ConfigurationProperties("supervisor")
public class SupervisorProperties {

    /** Whether to auto-configure the task supervisor, its aloops and @Worker discovery. */
    private boolean enabled = true;

    /** Id of the supervisor, used in logs and thread names: "default" gives thread names such as supervisor_pool_1, any other id supervisor_ID_pool_1. */
    private String id = "default";

    /** How long an event worker waits before running again for triggers that came during a run, and how long a batch queue worker lingers to fill a batch. */
    private Duration pollDelay = Duration.ofMillis(10);

    /** Whether a non-daemon thread keeps the JVM alive while workers are registered, so that an application without a web server runs until its context is closed. */
    private boolean keepJvmAlive = true;

    /** Whether the workers start with the application context; false registers them without starting any (for tests: start one with worker.start() or the endpoint). */
    private boolean autoStart = true;

    /** The supervisor's thread pool. */
    private final Pool pool = new Pool();

    /** How the supervisor stops when the application context closes. */
    private final Shutdown shutdown = new Shutdown();

    /** When an interval worker is overdue and a queue worker stale (the supervisor health component and meters). */
    private final Overdue overdue = new Overdue();

    /** Where durable queue workers keep their items ({@code supervisor.jdbc.*}; needs supervisor-jdbc). */
    private final Jdbc jdbc = new Jdbc();

    /** The live page under the actuator's base path: the supervisor endpoint in a browser, refreshed live. */
    private final Page page = new Page();

    /** Which runs are Micrometer observations, when the application has an ObservationRegistry. */
    private final Observation observation = new Observation();

    /**
     * Aloops (named event loops) to create, by the aloop's name (default, daemon, start); each becomes an Aloop
     * bean named after it, the aloop io as the bean ioAloop.
     */
    private final Map<String, Aloop> aloops = new LinkedHashMap<>();

    /**
     * Per-worker settings by the worker's name (interval, queue-capacity, lock.*, retry.* and the rest), each
     * replacing the attribute of its @Worker annotation.
     */
    private final Map<String, WorkerSettings> workers = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Duration getPollDelay() {
        return pollDelay;
    }

    public void setPollDelay(Duration pollDelay) {
        this.pollDelay = pollDelay;
    }

    public boolean isKeepJvmAlive() {
        return keepJvmAlive;
    }

    public void setKeepJvmAlive(boolean keepJvmAlive) {
        this.keepJvmAlive = keepJvmAlive;
    }

    public boolean isAutoStart() {
        return autoStart;
    }

    public void setAutoStart(boolean autoStart) {
        this.autoStart = autoStart;
    }

    public Pool getPool() {
        return pool;
    }

    public Shutdown getShutdown() {
        return shutdown;
    }

    public Overdue getOverdue() {
        return overdue;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Page getPage() {
        return page;
    }

    public Observation getObservation() {
        return observation;
    }

    /**
     * The configured aloops, for reading. The aloops are created from {@code supervisor.aloops.*} as
     * {@code AloopBeanRegistrar} binds it, before this bean exists; changing this map changes nothing.
     */
    public Map<String, Aloop> getAloops() {
        return aloops;
    }

    public Map<String, WorkerSettings> getWorkers() {
        return workers;
    }

    /** The supervisor's thread pool ({@code supervisor.pool.*}). */
    public static class Pool {

        /** Threads kept even when idle, all started with the pool: a number, or "max" to keep max-size threads. */
        private String minSize = "0";

        /** Most threads running at once. Defaults to CPUs x 5, or to pool-size + reserve-normal + reserve-high when pool-size is set. */
        private Integer maxSize;

        /** Priority limit: at most this many LOW-priority tasks run at once; 0 switches priorities off. */
        private int poolSize = 0;

        /** Slots above pool-size that NORMAL and higher priority tasks may use. */
        private int reserveNormal = 0;

        /** Slots above pool-size + reserve-normal that HIGH and CRITICAL priority tasks may use. */
        private int reserveHigh = 0;

        /** Idle time after which a thread above min-size ends. */
        private Duration keepAlive = Duration.ofSeconds(60);

        /**
         * Whether pool tasks run on virtual threads (Java 21+); max-size still bounds how many run at once. Unset:
         * as spring.threads.virtual.enabled says, on Java 21+ (below 21 that switch is ignored, as Spring Boot
         * ignores it); true on an older Java fails start-up.
         */
        private Boolean virtualThreads;

        /** How often the pool health check probes the pool. */
        private Duration checkInterval = Duration.ofSeconds(5);

        /** How soon a health probe must start before the pool counts as saturated. */
        private Duration checkTimeout = Duration.ofSeconds(1);

        public String getMinSize() {
            return minSize;
        }

        public void setMinSize(String minSize) {
            this.minSize = minSize;
        }

        public Integer getMaxSize() {
            return maxSize;
        }

        public void setMaxSize(Integer maxSize) {
            this.maxSize = maxSize;
        }

        public int getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        public int getReserveNormal() {
            return reserveNormal;
        }

        public void setReserveNormal(int reserveNormal) {
            this.reserveNormal = reserveNormal;
        }

        public int getReserveHigh() {
            return reserveHigh;
        }

        public void setReserveHigh(int reserveHigh) {
            this.reserveHigh = reserveHigh;
        }

        public Duration getKeepAlive() {
            return keepAlive;
        }

        public void setKeepAlive(Duration keepAlive) {
            this.keepAlive = keepAlive;
        }

        public Boolean getVirtualThreads() {
            return virtualThreads;
        }

        public void setVirtualThreads(Boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
        }

        public Duration getCheckInterval() {
            return checkInterval;
        }

        public void setCheckInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
        }

        public Duration getCheckTimeout() {
            return checkTimeout;
        }

        public void setCheckTimeout(Duration checkTimeout) {
            this.checkTimeout = checkTimeout;
        }
    }

    /** The database of durable queue workers ({@code supervisor.jdbc.*}). */
    public static class Jdbc {

        /** When the schema of durable queues is created, in Spring Boot's words. */
        public enum InitializeSchema {
            /** Only on an embedded database (H2 in memory or in a file of this process). */
            EMBEDDED,
            /** On any database: each statement is CREATE ... IF NOT EXISTS. */
            ALWAYS,
            /** Never: the application's migrations (Flyway, Liquibase) create it. */
            NEVER
        }

        /**
         * When to create the tables of durable queues at start-up (statements that leave existing tables alone):
         * embedded (the default), always, or never (the schema comes from Flyway or Liquibase).
         */
        private InitializeSchema initializeSchema = InitializeSchema.EMBEDDED;

        /** Name of the DataSource bean durable queues use. Unset: the application's only (or primary) one. */
        private String dataSource;

        public InitializeSchema getInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(InitializeSchema initializeSchema) {
            this.initializeSchema = initializeSchema;
        }

        public String getDataSource() {
            return dataSource;
        }

        public void setDataSource(String dataSource) {
            this.dataSource = dataSource;
        }
    }

    /** When a worker is overdue ({@code supervisor.overdue.*}), as the health component and meters show it. */
    public static class Overdue {

        /**
         * How many periods of its schedule an interval or cron worker may go without a successful run before it is
         * overdue, counted from its last success, or from its first run's time when it has not succeeded since it
         * started; at least 1.
         */
        private int periods = 3;

        /**
         * How long a queue worker may hold items without ending a run before it is stale (its oldest item has waited
         * that long at least); unset: queues are never stale.
         */
        private Duration queueWait;

        public int getPeriods() {
            return periods;
        }

        public void setPeriods(int periods) {
            this.periods = periods;
        }

        public Duration getQueueWait() {
            return queueWait;
        }

        public void setQueueWait(Duration queueWait) {
            this.queueWait = queueWait;
        }
    }

    /** The live page ({@code supervisor.page.*}), served where the actuator is when enabled. */
    public static class Page {

        /**
         * Whether to serve the live page at the actuator's base path + /supervisor-page (/actuator/supervisor-page/ by
         * default): the pool, aloops and workers of the supervisor endpoint, refreshed every 2 s, with the endpoint's
         * actions when its access is unrestricted. Needs the supervisor endpoint exposed on the web, on Spring MVC.
         */
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Which runs are Micrometer observations ({@code supervisor.observation.*}). */
    public static class Observation {

        /**
         * Which runs of an in-memory queue worker's items are observations: "traced" only those of items put while an
         * observation was current (a request's, another run's), which continue its trace, and the caller's context is
         * captured only where an observation is current; "all" every item's run, each a trace of its own when its put
         * had none. Other workers' runs, durable queue items and spawned tasks are always observed.
         */
        private QueueItemObservation queueItems = QueueItemObservation.TRACED;

        public QueueItemObservation getQueueItems() {
            return queueItems;
        }

        public void setQueueItems(QueueItemObservation queueItems) {
            this.queueItems = queueItems;
        }
    }

    /** How the supervisor stops when the application context closes ({@code supervisor.shutdown.*}). */
    public static class Shutdown {

        /**
         * Whether closing the context waits for running tasks, workers (queues drained) and aloops to finish.
         * When false, they finish in the background after the context has closed.
         */
        private boolean wait = true;

        /** Whether every worker is stopped, its queue drained, before the pool shuts down. */
        private boolean stopSchedulers = true;

        /** Whether work pending on aloops is cancelled at once instead of being let finish. */
        private boolean cancelTasks = false;

        /**
         * Longest the stop drains when wait is true; then runs are interrupted, queued items handed back and pending
         * tasks cancelled. Unset, and at most: spring.lifecycle.timeout-per-shutdown-phase less a tenth (0.5 s to 5 s).
         */
        private Duration timeout;

        public boolean isWait() {
            return wait;
        }

        public void setWait(boolean wait) {
            this.wait = wait;
        }

        public boolean isStopSchedulers() {
            return stopSchedulers;
        }

        public void setStopSchedulers(boolean stopSchedulers) {
            this.stopSchedulers = stopSchedulers;
        }

        public boolean isCancelTasks() {
            return cancelTasks;
        }

        public void setCancelTasks(boolean cancelTasks) {
            this.cancelTasks = cancelTasks;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** One aloop to create ({@code supervisor.aloops.<name>.*}). */
    public static class Aloop {

        /** Whether this aloop is the default one, where async workers that name no aloop run; at most one may be. */
        private boolean isDefault = false;

        /** Whether the aloop's thread is a daemon thread; a non-daemon aloop keeps the JVM alive until the supervisor stops. */
        private boolean daemon = false;

        /** Whether the aloop starts with the supervisor; if not, TaskSupervisor.startAloop(name) starts it. */
        private boolean start = true;

        public boolean isDefault() {
            return isDefault;
        }

        public void setDefault(boolean isDefault) {
            this.isDefault = isDefault;
        }

        public boolean isDaemon() {
            return daemon;
        }

        public void setDaemon(boolean daemon) {
            this.daemon = daemon;
        }

        public boolean isStart() {
            return start;
        }

        public void setStart(boolean start) {
            this.start = start;
        }
    }

    /**
     * Settings of one worker ({@code supervisor.workers.<name>.*}); each one set replaces the worker's
     * {@code @Worker} attribute, each one left unset keeps it.
     */
    public static class WorkerSettings {

        /** Whether the worker is created at all. */
        private boolean enabled = true;

        /** Whether the worker starts with the context; if not, it is registered and waits for start(). Unset: the annotation's autoStart (true unless it says otherwise). */
        private Boolean autoStart;

        /**
         * Cron expression of an interval worker, in Spring's syntax (six fields, or a macro such as @daily); "-" turns
         * the worker off. Replaces the annotation's cron, interval and delay.
         */
        private String cron;

        /** Time zone the cron expression is read in, such as Europe/Paris. Unset: the annotation's zone, else the JVM's. */
        private String zone;

        /** What an interval worker does with ticks it missed: run once as soon as it can, or skip them. Unset: the annotation's misfire, else run-once. */
        private MisfirePolicy misfire;

        /** Fixed-rate interval of an interval worker; replaces the annotation's cron, interval and delay. */
        private Duration interval;

        /** Fixed delay after each run of an interval worker; replaces the annotation's cron, interval and delay. */
        private Duration delay;

        /** Wait before the first run of an interval worker. */
        private Duration initialDelay;

        /** Aloop an async worker runs on. Unset: the annotation's aloop, else the default aloop. */
        private String aloop;

        /** Capacity of a queue worker's queue; 0 leaves it unbounded. Unset: the annotation's queueCapacity. */
        private Integer queueCapacity;

        /**
         * Items in this queue worker's unbounded queue at which it warns, at WARN, that the queue grows (then at
         * each tenfold, until it has been empty again); 0 turns the warning off. Unset: 10000.
         */
        private Integer queueSizeWarning;

        /** Most items per run of a batch queue worker. Unset: the annotation's batchSize. */
        private Integer batchSize;

        /**
         * Whether this queue worker keeps its items in the application's database (supervisor-jdbc), shared by
         * every instance. Unset: the annotation's durable.
         */
        private Boolean durable;

        /**
         * How long a durable queue worker's claim holds an item before another instance may claim it (extended
         * while the item is held). Unset: 30s.
         */
        private Duration lease;

        /** How many items a durable queue worker claims at once. Unset: 10. */
        private Integer claimSize;

        /**
         * Whether each run of this durable queue worker is one transaction with its item's removal, so that its
         * own writes to that database take effect exactly once. Unset: false.
         */
        private Boolean transactional;

        /** The worker's own poll delay, instead of supervisor.poll-delay. */
        private Duration pollDelay;

        /**
         * Longest a run of this worker may take: past it the run is interrupted (an async run's stage cancelled)
         * and counts as failed, and a queue item is retried by its retry settings. Unset: the annotation's
         * runTimeout, or no limit.
         */
        private Duration runTimeout;

        /** The lock each run of an interval or event worker takes first, shared by every instance of the application. */
        private final LockSettings lock = new LockSettings();

        /** How long a worker whose runs keep failing waits before its next run; not for queue workers (see retry). */
        private final BackoffSettings backoff = new BackoffSettings();

        /** How a queue worker runs again an item whose run failed; any of these turns retries on. */
        private final RetrySettings retry = new RetrySettings();

        /**
         * Name of the DeadLetterHandler bean that receives the items this queue worker gives up on. Unset: the
         * annotation's, else the application's only DeadLetterHandler bean, else they are logged at WARN and kept.
         */
        private String deadLetterHandler;

        /**
         * Name of the UndeliveredHandler bean that receives the items a stop of this queue worker could not handle
         * in time. Unset: the annotation's, else the application's only UndeliveredHandler bean, else their count is
         * logged at WARN.
         */
        private String undeliveredHandler;

        /**
         * Name of the WorkerErrorHandler bean told of this worker's failed runs. Unset: the annotation's, else the
         * application's only WorkerErrorHandler bean, else each failure is logged at ERROR.
         */
        private String errorHandler;

        /**
         * Most dead letters this queue worker keeps, without a handler, until the application takes them; past it
         * the oldest is let go, logged at ERROR. Unset: 10000.
         */
        private Integer deadLetterCapacity;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Boolean getAutoStart() {
            return autoStart;
        }

        public void setAutoStart(Boolean autoStart) {
            this.autoStart = autoStart;
        }

        public String getCron() {
            return cron;
        }

        public void setCron(String cron) {
            this.cron = cron;
        }

        public String getZone() {
            return zone;
        }

        public void setZone(String zone) {
            this.zone = zone;
        }

        public MisfirePolicy getMisfire() {
            return misfire;
        }

        public void setMisfire(MisfirePolicy misfire) {
            this.misfire = misfire;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getDelay() {
            return delay;
        }

        public void setDelay(Duration delay) {
            this.delay = delay;
        }

        public Duration getInitialDelay() {
            return initialDelay;
        }

        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }

        public String getAloop() {
            return aloop;
        }

        public void setAloop(String aloop) {
            this.aloop = aloop;
        }

        public Integer getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(Integer queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public Integer getQueueSizeWarning() {
            return queueSizeWarning;
        }

        public void setQueueSizeWarning(Integer queueSizeWarning) {
            this.queueSizeWarning = queueSizeWarning;
        }

        public Integer getBatchSize() {
            return batchSize;
        }

        public Boolean getDurable() {
            return durable;
        }

        public void setDurable(Boolean durable) {
            this.durable = durable;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }

        public Integer getClaimSize() {
            return claimSize;
        }

        public void setClaimSize(Integer claimSize) {
            this.claimSize = claimSize;
        }

        public Boolean getTransactional() {
            return transactional;
        }

        public void setTransactional(Boolean transactional) {
            this.transactional = transactional;
        }

        public void setBatchSize(Integer batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getPollDelay() {
            return pollDelay;
        }

        public void setPollDelay(Duration pollDelay) {
            this.pollDelay = pollDelay;
        }

        public Duration getRunTimeout() {
            return runTimeout;
        }

        public void setRunTimeout(Duration runTimeout) {
            this.runTimeout = runTimeout;
        }

        public LockSettings getLock() {
            return lock;
        }

        public BackoffSettings getBackoff() {
            return backoff;
        }

        public RetrySettings getRetry() {
            return retry;
        }

        public String getUndeliveredHandler() {
            return undeliveredHandler;
        }

        public void setUndeliveredHandler(String undeliveredHandler) {
            this.undeliveredHandler = undeliveredHandler;
        }

        public String getErrorHandler() {
            return errorHandler;
        }

        public void setErrorHandler(String errorHandler) {
            this.errorHandler = errorHandler;
        }

        public String getDeadLetterHandler() {
            return deadLetterHandler;
        }

        public void setDeadLetterHandler(String deadLetterHandler) {
            this.deadLetterHandler = deadLetterHandler;
        }

        public Integer getDeadLetterCapacity() {
            return deadLetterCapacity;
        }

        public void setDeadLetterCapacity(Integer deadLetterCapacity) {
            this.deadLetterCapacity = deadLetterCapacity;
        }
    }

    /**
     * A queue worker's retries of failed items ({@code supervisor.workers.<name>.retry.*}), named as Spring
     * Boot's own retry settings; unset parts keep the annotation's, else the defaults.
     */
    public static class RetrySettings {

        /** Runs of a failed item after the first, at most; 0 retries nothing. Unset: 3 once any retry setting is given. */
        private Long maxRetries;

        /** Wait before the first retry. Unset: 1s. */
        private Duration delay;

        /** How much longer each further retry waits; at least 1. Unset: 2. */
        private Double multiplier;

        /** Longest wait before a retry. Unset: 1m. */
        private Duration maxDelay;

        /** How far each wait may move at random, either way. Unset: 0. */
        private Duration jitter;

        /** Failures retried (an exception of one of these types, or caused by one); empty: every failure. */
        private List<Class<? extends Throwable>> includes = new ArrayList<>();

        /** Failures never retried. */
        private List<Class<? extends Throwable>> excludes = new ArrayList<>();

        /** Whether any retry setting is given. */
        boolean isSet() {
            return maxRetries != null || delay != null || multiplier != null || maxDelay != null || jitter != null
                    || !includes.isEmpty() || !excludes.isEmpty();
        }

        public Long getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(Long maxRetries) {
            this.maxRetries = maxRetries;
        }

        public Duration getDelay() {
            return delay;
        }

        public void setDelay(Duration delay) {
            this.delay = delay;
        }

        public Double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(Double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        public Duration getJitter() {
            return jitter;
        }

        public void setJitter(Duration jitter) {
            this.jitter = jitter;
        }

        public List<Class<? extends Throwable>> getIncludes() {
            return includes;
        }

        public void setIncludes(List<Class<? extends Throwable>> includes) {
            this.includes = includes;
        }

        public List<Class<? extends Throwable>> getExcludes() {
            return excludes;
        }

        public void setExcludes(List<Class<? extends Throwable>> excludes) {
            this.excludes = excludes;
        }
    }

    /** A worker's {@code supervisor.workers.<name>.lock.*}: a ShedLock lock taken before each run. */
    public static class LockSettings {

        /**
         * Name of a ShedLock lock that each run of this interval or event worker takes first, through the
         * application's LockProvider bean; an instance that does not get it skips the run. Unset: the annotation's
         * lock, or no lock.
         */
        private String name;

        /**
         * Longest the lock is held, should the instance holding it die; must exceed the longest run. Unset: the
         * annotation's lockAtMostFor, or 10m.
         */
        private Duration atMostFor;

        /**
         * Shortest the lock is held, even when the run ends sooner; at most at-most-for. Unset: the annotation's
         * lockAtLeastFor, or 0.
         */
        private Duration atLeastFor;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Duration getAtMostFor() {
            return atMostFor;
        }

        public void setAtMostFor(Duration atMostFor) {
            this.atMostFor = atMostFor;
        }

        public Duration getAtLeastFor() {
            return atLeastFor;
        }

        public void setAtLeastFor(Duration atLeastFor) {
            this.atLeastFor = atLeastFor;
        }
    }

    /** A worker's failure backoff ({@code supervisor.workers.<name>.backoff.*}); unset parts keep the defaults. */
    public static class BackoffSettings {

        /** Wait after the first failed run in a row of this worker (any kind but a queue worker, which retries items instead); 0 runs again at once. Unset: 100ms. */
        private Duration initial;

        /** How much longer each further failure in a row waits; at least 1. Unset: 2. */
        private Double multiplier;

        /** Longest wait between failed runs. Unset: 30s. */
        private Duration max;

        public Duration getInitial() {
            return initial;
        }

        public void setInitial(Duration initial) {
            this.initial = initial;
        }

        public Double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(Double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMax() {
            return max;
        }

        public void setMax(Duration max) {
            this.max = max;
        }
    }
}
