package dev.tasksupervisor.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.tasksupervisor.worker.MisfirePolicy;

/**
 * Makes a bean method the target of a background worker, found at start-up, registered with the
 * task supervisor and started with the context (neotasker's {@code @background_worker}). On a bean
 * that extends a worker class ({@code IntervalWorker}, {@code QueueWorker}, ...), it carries that
 * worker's settings.
 *
 * <p>The kind follows from the attributes, as neotasker's decorator decides it: {@code cron}, {@code interval}
 * or {@code delay} make an interval worker; {@code queue}, {@code queueCapacity} or {@code batchSize} a
 * queue worker; {@code event} an event worker; none of them a worker that runs again and again,
 * async (on an aloop) when the method returns a {@code CompletionStage}, plain otherwise.
 *
 * <p>The method takes no argument, the queue item (queue workers), the batch as a {@code List}
 * (batch queue workers), and/or a {@code WorkerContext}; it returns {@code void}, {@code boolean}
 * ({@code false} stops the worker) or a {@code CompletionStage} (an async target, run on an aloop).
 * String attributes accept {@code ${...}} placeholders; durations are Spring Boot duration strings
 * ({@code 10s}, {@code 500ms}, {@code PT1M}; a bare number means milliseconds).
 * {@code supervisor.workers.<name>.*} properties override the attributes. With {@code lock}, an interval or
 * event worker runs on one instance at a time across a cluster, through ShedLock. A queue worker's failed
 * items are retried as {@code retry} says, then handed to its dead-letter handler: none is dropped.
 *
 * <pre>{@code
 * @Worker(cron = "0 0 2 * * *", zone = "Europe/Paris")
 * void nightlyReport() { ... }
 *
 * @Worker(interval = "${heartbeat.every:10s}")
 * void heartbeat() { log.info("alive"); }
 *
 * @Worker(queue = true, queueCapacity = 1000)
 * void ship(Order order) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Worker {

    /** The worker's name, unique in the supervisor; default: the method's name. */
    String name() default "";

    /**
     * Runs the method at the times of this cron expression: an interval worker on a schedule. Spring's syntax, as
     * {@code @Scheduled(cron)}: six fields, second minute hour day-of-month month day-of-week, such as
     * {@code "0 0/5 * * * *"} (every five minutes at second 0), or a macro ({@code @hourly}, {@code @daily},
     * {@code @weekly}, {@code @monthly}, {@code @yearly}). {@value #CRON_DISABLED} turns the worker off, as for
     * {@code @Scheduled}, useful as a placeholder's value. A run never overlaps the one before; ticks missed
     * meanwhile are handled by {@link #misfire()}.
     */
    String cron() default "";

    /** The time zone the cron expression is read in, such as {@code Europe/Paris}; default: the JVM's. Only with {@code cron}. */
    String zone() default "";

    /**
     * What an interval worker at a fixed rate or on a cron schedule does with the ticks it missed (a run longer than
     * the interval, a GC pause, a suspended host, a clock jump): by default it runs once, as soon as it can, then
     * keeps to its schedule; {@code SKIP} waits for the next tick instead. Never a burst of catch-up runs.
     */
    MisfirePolicy misfire() default MisfirePolicy.RUN_ONCE;

    /** The {@link #cron()} value that turns the worker off: {@value}. */
    String CRON_DISABLED = "-";

    /** Runs the method at this fixed rate: an interval worker. */
    String interval() default "";

    /** Runs the method this long after each run ends: an interval worker with a fixed delay. */
    String delay() default "";

    /** Waits this long before the first run of an interval worker. */
    String initialDelay() default "";

    /** Runs the method once per item put into the worker's queue: a queue worker. */
    boolean queue() default false;

    /** Bounds a queue worker's queue to this many items; 0 leaves it unbounded. Implies {@code queue}. */
    int queueCapacity() default 0;

    /** Hands a queue worker's items to the method in batches (a {@code List}) of up to this many. Implies {@code queue}. */
    int batchSize() default 0;

    /**
     * Keeps a queue worker's items in the application's database instead of memory (needs {@code supervisor-jdbc}
     * and a {@code DataSource}): they survive a crash or a deploy, and any instance running this worker may run
     * them. Items are written as JSON with the application's Jackson mapper. Implies {@code queue}; not with
     * {@code queueCapacity}, {@code batchSize} or an async method.
     */
    boolean durable() default false;

    /** Runs the method once per trigger: an event worker. */
    boolean event() default false;

    /** The aloop an async method (one returning a {@code CompletionStage}) runs on; default: the default aloop. */
    String aloop() default "";

    /** Whether the worker starts with the context; if not, it is registered and waits for {@code start()}. */
    boolean autoStart() default true;

    /** The worker's own poll delay, instead of the supervisor's. */
    String pollDelay() default "";

    /**
     * The longest a run may take: past it the run is interrupted (an async one's stage cancelled) and counts
     * as failed, and a queue item is retried as {@code retry} says. Empty: no limit.
     */
    String runTimeout() default "";

    /**
     * Runs the worker once per tick across every instance of the application: each run of an interval or
     * event worker first takes this named lock through the application's ShedLock {@code LockProvider}
     * bean, and an instance that does not get it skips that run. Empty: no lock.
     */
    String lock() default "";

    /**
     * How long the lock is held at most, should the instance holding it die: longer than the longest run.
     * Default {@value dev.tasksupervisor.lock.WorkerLock#DEFAULT_AT_MOST_FOR_TEXT}.
     */
    String lockAtMostFor() default "";

    /** How long the lock is held at least, even when the run ends sooner (runs closer together are skipped). Default 0. */
    String lockAtLeastFor() default "";

    /**
     * How a queue worker runs again an item whose run failed: {@code retry = @Retry} retries 3 times after
     * 1 s, 2 s and 4 s. The default retries nothing: a failed item goes to the dead letters at once.
     */
    Retry retry() default @Retry(maxRetries = 0);

    /**
     * The name of the {@code DeadLetterHandler} bean that receives the items this queue worker gives up on.
     * Empty: the application's only {@code DeadLetterHandler} bean if it has exactly one (or a primary one),
     * else the default, which logs each item at WARN and keeps it until the application takes it.
     */
    String deadLetterHandler() default "";

    /**
     * The name of the {@code UndeliveredHandler} bean that receives the items a stop of this queue worker
     * could not handle in time. Empty: the application's only {@code UndeliveredHandler} bean (or its
     * primary one), else the default, which logs their count at WARN (they are in the stop's report).
     */
    String undeliveredHandler() default "";

    /**
     * The name of the {@code WorkerErrorHandler} bean told of this worker's failed runs. Empty: the
     * application's only {@code WorkerErrorHandler} bean (or its primary one), else the default, which logs
     * each failure at ERROR (repeats once a minute).
     */
    String errorHandler() default "";
}
