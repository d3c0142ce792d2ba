package dev.tasksupervisor.autoconfigure.endpoint;

import java.security.Principal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.convert.DurationStyle;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tasksupervisor.SupervisorInfo;
import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.AloopInfo;
import dev.tasksupervisor.aloop.AloopState;
import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.pool.PoolInfo;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.schedule.CronSchedule;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.DeadLetter;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.TriggerableWorker;
import dev.tasksupervisor.worker.WorkerInfo;
import dev.tasksupervisor.worker.WorkerKind;
import dev.tasksupervisor.worker.WorkerState;

/**
 * The {@code supervisor} actuator endpoint: the task supervisor, its pool, aloops and workers; and, when
 * {@code management.endpoint.supervisor.access=unrestricted}, resizing the pool and starting, stopping,
 * restarting, triggering, pausing or resuming a worker. Reading it resets no statistic. A queue worker's dead
 * letters are read at {@code supervisor/{name}/dead-letters}; their items and error messages, and the message
 * of a worker's last error, which may hold personal or secret data, only as
 * {@code management.endpoint.supervisor.show-values} allows (Spring Boot's rule for the
 * values of {@code env} and {@code configprops}: {@code never} by default, {@code when-authorized} with
 * {@code roles}, or {@code always}).
 *
 * <p>Invalid input is an {@link InvalidEndpointRequestException} (a 400 on the web, with the reason in the
 * body through {@link SupervisorEndpointWebExtension}); an action the supervisor's or worker's state does
 * not allow now is a {@link StateConflictException} (409).
 *
 * <p>Why one long class: the operations and the records they answer with are the endpoint's one contract,
 * which Spring Boot reads from this type; most of its length is those records.
 */
@Endpoint(id = "supervisor", defaultAccess = Access.READ_ONLY)
public class SupervisorEndpoint {

    /**
     * How long a stop (or the stop of a restart) may take before the operation answers: a queue worker
     * drains its queue first, and no request should hang on that, nor force it (items would be handed back).
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(SupervisorEndpoint.class);
    private static final List<String> ACTIONS = List.of("start", "stop", "restart", "trigger", "pause", "resume",
            "reschedule", "requeue-dead-letters", "delete-dead-letters");
    /** The most dead letters one requeue through the endpoint puts back (the store's most per call). */
    private static final int REQUEUED_AT_ONCE = 1000;
    /**
     * The most threads a resize through the endpoint asks for: starting thousands of threads would hold the
     * request (and can exhaust the system's threads). More is a configuration matter: {@code supervisor.pool.*}.
     */
    public static final int MAX_POOL_SIZE = 1_000;
    /** The most dead letters one read shows, oldest first: a worker may keep thousands. */
    static final int DEAD_LETTERS_SHOWN = 100;
    /** How much of an item's text the endpoint shows. */
    static final int ITEM_CHARS = 1_000;
    /** What an item or message shows when show-values hides it, as Boot's sanitizer does. */
    static final String HIDDEN = "******";

    private final TaskSupervisor supervisor;
    private final Show showValues;
    private final Set<String> roles;

    /** An endpoint for {@code supervisor} that never shows the items of dead letters. */
    public SupervisorEndpoint(TaskSupervisor supervisor) {
        this(supervisor, Show.NEVER, Set.of());
    }

    /** An endpoint for {@code supervisor} that shows the items of dead letters as {@code showValues} says. */
    public SupervisorEndpoint(TaskSupervisor supervisor, Show showValues, Set<String> roles) {
        this.supervisor = supervisor;
        this.showValues = showValues;
        this.roles = Set.copyOf(roles);
    }

    /** The supervisor, its pool, every aloop and every worker. */
    @ReadOperation
    public SupervisorDescriptor supervisor(SecurityContext securityContext) {
        return SupervisorDescriptor.of(supervisor.info(), shown(securityContext));
    }

    /** One worker, or {@code null} (a 404 on the web) when there is none of that name. */
    @ReadOperation
    public @Nullable WorkerDescriptor worker(SecurityContext securityContext, @Selector String name) {
        boolean shown = shown(securityContext);
        return supervisor.findWorker(name).map(worker -> WorkerDescriptor.of(worker.info(), shown)).orElse(null);
    }

    /** Whether the caller may see values (dead-letter items, error messages): as show-values and roles say. */
    private boolean shown(SecurityContext securityContext) {
        return showValues.isShown(securityContext == null ? SecurityContext.NONE : securityContext, roles);
    }

    /**
     * A part of a worker: {@code dead-letters}, a queue worker's dead letters, oldest first (at most
     * {@value #DEAD_LETTERS_SHOWN}); {@code null} (a 404 on the web) when there is no worker of that name.
     *
     * @throws InvalidEndpointRequestException for another part, or a worker without dead letters
     */
    @ReadOperation
    public @Nullable DeadLettersDescriptor workerPart(SecurityContext securityContext, @Selector String name,
            @Selector String part) {
        BackgroundWorker worker = supervisor.findWorker(name).orElse(null);
        if (worker == null) {
            return null;
        }
        if (!part.equals("dead-letters")) {
            throw invalid("worker '" + name + "' has no part '" + shorten(part, 100) + "': ask for " + name
                    + "/dead-letters");
        }
        if (!(worker instanceof QueueWorker<?> queue)) {
            throw invalid("worker '" + name + "' is " + article(worker) + worker.getKind()
                    + " worker, which has no dead letters: only queue workers do");
        }
        boolean shown = shown(securityContext);
        List<? extends DeadLetter<?>> letters = queue.getDeadLetters();
        return new DeadLettersDescriptor(name, queue.getDeadLetterCount(), letters.size(),
                letters.stream().limit(DEAD_LETTERS_SHOWN).map(letter -> DeadLetterDescriptor.of(letter, shown)).toList());
    }

    /**
     * Resizes the pool while it runs. A size not given keeps its current value. Answers at once, with the
     * sizes asked for: the threads a larger {@code minSize} asks for start in the background
     * ({@code currentSize} shows how far), and if the system refuses them the sizes go back to those before
     * and {@code growthFailure} says why (health is DOWN until the next resize).
     *
     * @param minSize threads kept when idle, a whole number
     * @param maxSize the most threads running at once, a whole number
     * @return the pool after the change
     * @throws InvalidEndpointRequestException for no size, a size that is not a whole number, a negative
     *     one, one above {@value #MAX_POOL_SIZE}, or {@code minSize} above {@code maxSize}
     * @throws StateConflictException when the supervisor is not started (it has no pool yet: a
     *     {@code TaskSupervisor} bean of your own that you start later), is stopped, or its pool cannot be
     *     resized (a replaced executor, or not even the thread that starts the others could start)
     */
    @WriteOperation
    public PoolDescriptor resizePool(SecurityContext securityContext, @Nullable String minSize, @Nullable String maxSize) {
        if (minSize == null && maxSize == null) {
            throw invalid("give minSize, maxSize or both to resize the pool of task supervisor '"
                    + supervisor.getId() + "'");
        }
        PoolSettings current = supervisor.getPoolSettings();
        int min = minSize == null ? current.minSize() : size("minSize", minSize);
        int max = maxSize == null ? current.maxSize() : size("maxSize", maxSize);
        log.info("Supervisor endpoint: {} resizes the pool of task supervisor '{}' to minSize {}, maxSize {}",
                caller(securityContext), supervisor.getId(), min, max);
        // The pool is made at start and kept after stop: with none there is nothing running to resize, and
        // no pool figures to answer with. Changing the settings for a later start is the application's call.
        if (supervisor.poolInfo() == null) {
            SupervisorState state = supervisor.getState();
            throw new StateConflictException("task supervisor '" + supervisor.getId() + "' is " + state
                    + " and has no running pool to resize"
                    + (state == SupervisorState.NEW ? ": start it first" : ""));
        }
        try {
            supervisor.resizePool(min, max);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        } catch (IllegalStateException e) {
            throw new StateConflictException(e.getMessage());
        }
        return PoolDescriptor.of(supervisor.poolInfo());
    }

    private static int size(String name, String value) {
        int size;
        try {
            size = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name + " must be a whole number of threads, was '" + ErrorResponses.echo(value) + "'");
        }
        if (size > MAX_POOL_SIZE) {
            throw invalid(name + " is " + size + ", above the " + MAX_POOL_SIZE + " threads the endpoint sets: set "
                    + "larger pools in the configuration (supervisor.pool.min-size and max-size)");
        }
        return size;
    }

    /** Who called, for the log of writes. */
    private static String caller(SecurityContext securityContext) {
        Principal principal = securityContext == null ? null : securityContext.getPrincipal();
        return principal == null ? "an anonymous caller" : "'" + principal.getName() + "'";
    }

    /**
     * Starts, stops, restarts, triggers, pauses, resumes or reschedules a worker. Starting an active worker,
     * stopping a stopped one, pausing a paused one and resuming one that is not paused change nothing. A stop
     * waits up to {@link #STOP_WAIT} for the worker to finish its run (and drain its queue, paused or not), then
     * answers; the worker goes on stopping if it needs longer. A paused queue worker keeps accepting items
     * and holds them, until resumed ({@link QueueWorker#pause()}). A reschedule gives an interval worker a new
     * schedule from its next tick, with exactly one of {@code interval}, {@code delay} or {@code cron} (and
     * {@code zone} with a cron); it lasts until the application restarts, which returns to the configured one.
     * A durable queue worker's dead letters, kept in its database, are put back ({@code requeue-dead-letters}, up to
     * 1,000 at once, oldest first) or deleted ({@code delete-dead-letters}).
     *
     * @param name the worker
     * @param action {@code start}, {@code stop}, {@code restart}, {@code trigger}, {@code pause}, {@code resume},
     *     {@code reschedule}, {@code requeue-dead-letters} or {@code delete-dead-letters}
     * @param interval a reschedule's fixed rate, a Spring Boot duration such as {@code 30s}
     * @param delay a reschedule's fixed delay after each run
     * @param cron a reschedule's cron expression, in Spring's syntax
     * @param zone the time zone of a reschedule's cron; default: the JVM's
     * @return the worker after the action, or {@code null} (a 404 on the web) when there is none of that name
     * @throws InvalidEndpointRequestException for a missing or unknown action, a trigger of a worker whose
     *     kind has none, a pause or resume of a worker that is no queue worker, a dead-letter action on a worker
     *     that is not durable, or a reschedule that is not exactly one valid schedule for an interval worker
     * @throws StateConflictException when the worker's or the supervisor's state does not allow it now (a
     *     pause or resume of a queue worker that is not active, say), or another worker holds the name the
     *     worker would start under
     */
    @WriteOperation
    public @Nullable WorkerDescriptor workerAction(SecurityContext securityContext, @Selector String name,
            @Nullable String action, @Nullable String interval, @Nullable String delay, @Nullable String cron,
            @Nullable String zone) {
        BackgroundWorker worker = supervisor.findWorker(name).orElse(null);
        if (worker == null) {
            return null;
        }
        String wanted = action == null ? "" : action; // exactly: "stop" with a NUL after it, or " Stop", is no action
        if (!ACTIONS.contains(wanted)) {
            throw invalid((action == null ? "no action" : "unknown action '" + ErrorResponses.echo(action) + "'")
                    + " for worker '" + name + "': give action start, stop, restart, trigger, pause, resume, "
                    + "reschedule, requeue-dead-letters or delete-dead-letters");
        }
        if (wanted.equals("reschedule")) {
            return reschedule(securityContext, worker, interval, delay, cron, zone);
        }
        if (interval != null || delay != null || cron != null || zone != null) {
            throw invalid("interval, delay, cron and zone go with action reschedule only, not with " + wanted);
        }
        log.info("Supervisor endpoint: {} asks to {} worker '{}'", caller(securityContext), wanted, name);
        if (wanted.equals("trigger") && !(worker instanceof TriggerableWorker)) {
            throw invalid("worker '" + name + "' is " + article(worker) + worker.getKind() + " worker, which has no "
                    + "trigger: only event and interval workers do");
        }
        // Like a trigger of a kind without one, a request that can never succeed for this worker: a 400.
        if ((wanted.equals("pause") || wanted.equals("resume")) && !(worker instanceof QueueWorker<?>)) {
            throw invalid("worker '" + name + "' is " + article(worker) + worker.getKind() + " worker, which cannot "
                    + wanted + ": only queue workers hold items while paused; stop it instead");
        }
        if (wanted.endsWith("-dead-letters") && !(worker instanceof DurableQueueWorker<?>)) {
            throw invalid("worker '" + name + "' keeps no dead letters in a database: only durable queue workers "
                    + "do (an in-memory queue worker's are read at " + name + "/dead-letters, and taken in code)");
        }
        try {
            switch (wanted) {
                case "requeue-dead-letters" -> ((DurableQueueWorker<?>) worker).requeueDeadLetters(REQUEUED_AT_ONCE);
                case "delete-dead-letters" -> ((DurableQueueWorker<?>) worker).deleteDeadLetters();
                case "start" -> start(worker);
                case "stop" -> stop(worker);
                case "restart" -> {
                    if (!stop(worker)) {
                        throw new StateConflictException("worker '" + name + "' is still stopping after "
                                + STOP_WAIT.toSeconds() + " s (finishing a run or draining its queue): restart it "
                                + "once it has stopped");
                    }
                    worker.start();
                }
                case "pause" -> ((QueueWorker<?>) worker).pause();
                case "resume" -> ((QueueWorker<?>) worker).resume();
                default -> ((TriggerableWorker) worker).trigger();
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            // IllegalArgumentException: a start found another worker holding the name this one starts under
            // (it was last started under another name), or its own settings invalid; not the request's fault.
            throw new StateConflictException(e.getMessage());
        }
        return WorkerDescriptor.of(worker.info(), shown(securityContext));
    }

    /** Gives an interval worker the one schedule asked for; anything else is a 400 saying what to send. */
    private WorkerDescriptor reschedule(SecurityContext securityContext, BackgroundWorker worker,
            @Nullable String interval, @Nullable String delay, @Nullable String cron, @Nullable String zone) {
        String name = worker.getName();
        if (!(worker instanceof IntervalWorker scheduled)) {
            throw invalid("worker '" + name + "' is " + article(worker) + worker.getKind() + " worker, which has no "
                    + "schedule: only interval workers can be rescheduled");
        }
        long given = Stream.of(interval, delay, cron).filter(Objects::nonNull).count();
        if (given != 1) {
            throw invalid("a reschedule of worker '" + name + "' takes exactly one of interval (a fixed rate, such as "
                    + "\"30s\"), delay (a pause after each run) or cron (such as \"0 */5 * * * *\"); got " + given);
        }
        if (zone != null && cron == null) {
            throw invalid("zone goes with cron only: it is what the cron expression is read in");
        }
        String change = interval != null ? "interval " + interval : delay != null ? "delay " + delay
                : "cron " + cron + (zone == null ? "" : " in " + zone);
        log.info("Supervisor endpoint: {} asks to reschedule worker '{}' to {}", caller(securityContext), name,
                ErrorResponses.echo(change));
        try {
            if (interval != null) {
                scheduled.rescheduleAtFixedRate(duration("interval", interval));
            } else if (delay != null) {
                scheduled.rescheduleWithFixedDelay(duration("delay", delay));
            } else {
                scheduled.reschedule(CronSchedule.of(cron, zone == null ? ZoneId.systemDefault() : zoneId(zone)));
            }
        } catch (InvalidSettingException e) {
            throw invalid(e.getMessage());
        } catch (IllegalArgumentException e) { // CronExpression's reason
            throw invalid("'" + ErrorResponses.echo(cron) + "' is not a cron expression: " + ErrorResponses.echo(
                    String.valueOf(e.getMessage())) + "; use Spring's six fields (second minute hour day-of-month "
                    + "month day-of-week), such as \"0 */5 * * * *\", or a macro such as @hourly");
        }
        return WorkerDescriptor.of(worker.info(), shown(securityContext));
    }

    private static Duration duration(String field, String value) {
        try {
            return DurationStyle.detectAndParse(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(field + " '" + ErrorResponses.echo(value) + "' is not a duration: use one such as 500ms, "
                    + "30s, 5m or PT10S");
        }
    }

    private static ZoneId zoneId(String zone) {
        try {
            return ZoneId.of(zone.trim());
        } catch (DateTimeException e) {
            throw invalid("zone '" + ErrorResponses.echo(zone) + "' is not a time zone: use a region ID such as "
                    + "Europe/Paris, or UTC");
        }
    }

    /** "an " before a kind that begins with a vowel (ASYNC, EVENT, INTERVAL), else "a ". */
    private static String article(BackgroundWorker worker) {
        return switch (worker.getKind()) {
            case ASYNC, EVENT, INTERVAL -> "an ";
            default -> "a ";
        };
    }

    private static void start(BackgroundWorker worker) {
        if (!worker.isActive()) {
            worker.start();
        }
    }

    /** Asks the worker to stop and waits up to {@link #STOP_WAIT}, never forcing it; returns whether it stopped. */
    private static boolean stop(BackgroundWorker worker) {
        worker.requestStop();
        try {
            return worker.awaitStop(STOP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return worker.isStopped();
        }
    }

    /** What a 404 says: the name asked for and the names there are. */
    String noSuchWorker(String name) {
        return "task supervisor '" + supervisor.getId() + "' has no worker named '" + name + "'; its workers are "
                + new TreeSet<>(supervisor.getWorkers().stream().map(BackgroundWorker::getName).toList());
    }

    private static InvalidEndpointRequestException invalid(String reason) {
        return new InvalidEndpointRequestException(reason, reason);
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value.toString();
    }

    private static String shorten(String text, int chars) {
        return text.length() <= chars ? text : text.substring(0, chars) + "...";
    }

    /** The supervisor's or worker's state does not allow the action now; a 409 on the web. */
    public static class StateConflictException extends RuntimeException {

        StateConflictException(String message) {
            super(message);
        }
    }

    /**
     * The supervisor as the endpoint shows it; durations are ISO-8601 ({@code PT0.02S}).
     *
     * @param id its id
     * @param state its life-cycle state
     * @param active whether it is started and not stopping
     * @param pollDelay its poll delay
     * @param pool the pool, absent before start
     * @param aloops every aloop, by name
     * @param workers every registered worker, by name
     */
    public record SupervisorDescriptor(String id, SupervisorState state, boolean active, String pollDelay,
            @Nullable PoolDescriptor pool, List<AloopDescriptor> aloops, List<WorkerDescriptor> workers)
            implements OperationResponseBody {

        static SupervisorDescriptor of(SupervisorInfo info, boolean shown) {
            return new SupervisorDescriptor(info.id(), info.state(), info.active(), info.pollDelay().toString(),
                    info.pool() == null ? null : PoolDescriptor.of(info.pool()),
                    info.aloops().stream().map(AloopDescriptor::of).toList(),
                    info.workers().stream().map(worker -> WorkerDescriptor.of(worker, shown)).toList());
        }
    }

    /**
     * The pool's figures; -1 for what a replaced executor (not a {@code ThreadPoolExecutor}) cannot tell.
     *
     * @param minSize threads kept when idle
     * @param maxSize the most threads running at once
     * @param currentSize threads alive
     * @param active threads running a task
     * @param largest the most threads ever alive at once
     * @param queued tasks waiting for a thread
     * @param waiting tasks held back by priority limits
     * @param completed tasks finished so far
     * @param rejected tasks refused because the pool was stopped
     * @param saturated whether the last health probe waited longer than the check timeout
     * @param lastCheckLatency how long the last health probe waited for a thread; absent before the first
     * @param priorities the priority limits; absent while priorities are off
     * @param virtualThreads whether tasks run on virtual threads
     * @param growthFailure why the threads of the last resize could not all start (the sizes went back to those
     *     before), until the next resize; absent when nothing failed
     */
    public record PoolDescriptor(int minSize, int maxSize, int currentSize, int active, int largest, int queued,
            int waiting, long completed, long rejected, boolean saturated, @Nullable String lastCheckLatency,
            @Nullable Priorities priorities, boolean virtualThreads, @Nullable String growthFailure)
            implements OperationResponseBody {

        static PoolDescriptor of(PoolInfo pool) {
            return new PoolDescriptor(pool.minSize(), pool.maxSize(), pool.currentSize(), pool.active(),
                    pool.largest(), pool.queued(), pool.waiting(), pool.completed(), pool.rejected(), pool.saturated(),
                    text(pool.lastCheckLatency()),
                    pool.poolSize() > 0 ? new Priorities(pool.poolSize(), pool.reserveNormal(), pool.reserveHigh())
                            : null,
                    pool.virtualThreads(), pool.growthFailure());
        }
    }

    /**
     * The pool's priority limits.
     *
     * @param poolSize the most tasks running at once while the newest is {@code LOW}
     * @param reserveNormal extra slots for {@code NORMAL} tasks
     * @param reserveHigh extra slots for {@code HIGH} tasks
     */
    public record Priorities(int poolSize, int reserveNormal, int reserveHigh) {
    }

    /**
     * One aloop.
     *
     * @param name its name
     * @param isDefault whether async targets that name no aloop run on it; {@code default} in JSON
     * @param daemon whether its thread is a daemon thread
     * @param active whether it accepts new work
     * @param state its life-cycle state
     * @param thread its thread's name
     * @param pending async functions not yet complete plus tasks waiting to run on it
     */
    public record AloopDescriptor(String name, @JsonProperty("default") boolean isDefault, boolean daemon,
            boolean active, AloopState state, String thread, int pending) {

        static AloopDescriptor of(AloopInfo aloop) {
            return new AloopDescriptor(aloop.name(), aloop.isDefault(), aloop.daemon(), aloop.active(), aloop.state(),
                    aloop.thread(), aloop.pending());
        }
    }

    /**
     * One worker.
     *
     * @param name its name
     * @param kind what makes it run
     * @param state its life-cycle state
     * @param aloop the aloop its async target runs on; absent for a sync target
     * @param schedule how it is scheduled, e.g. {@code every PT10S}
     * @param runs runs finished so far, failed ones included
     * @param failures runs that failed
     * @param lastRunStarted when the last run started (ISO-8601); absent before the first
     * @param lastRunDuration how long the last finished run took; absent before the first
     * @param queueSize items waiting in its queue; 0 for kinds without one
     * @param skipped runs its lock (run guard) refused because another instance held it; not counted in runs
     * @param guard what each run takes first, e.g. a ShedLock lock; absent when nothing does
     * @param failuresInARow failed runs since the last success; above 0, a worker with a backoff waits it out
     * @param retries failed queue items sent back for another run; 0 for kinds without a queue
     * @param retrying failed queue items waiting for their retry now
     * @param deadLetters queue items given up on, kept or not
     * @param deadLettersKept dead letters kept until the application takes them
     * @param paused whether a queue worker is paused: it accepts items and holds them until resumed
     * @param capacity a queue worker's bound on its queue (0: unbounded); absent for other kinds
     * @param lastError the last failed run's error; absent before the first failure
     * @param lastOutcome how the last finished run ended, {@code SUCCESS} or {@code FAILURE}; absent before the first
     * @param lastSuccess when the last successful run ended (ISO-8601); absent before the first
     * @param nextRun when the next scheduled run is due (ISO-8601); absent for kinds without a schedule, or when
     *     none is armed (a fixed delay waiting for its run to end, a stopped worker)
     * @param misfires times an interval worker missed ticks (a run still going, a late timer); absent for other kinds
     */
    public record WorkerDescriptor(String name, WorkerKind kind, WorkerState state, @Nullable String aloop,
            String schedule, long runs, long failures, @Nullable String lastRunStarted,
            @Nullable String lastRunDuration, int queueSize, long skipped, @Nullable String guard, int failuresInARow,
            long retries, int retrying, long deadLetters, int deadLettersKept, boolean paused,
            @Nullable Integer capacity, @Nullable LastErrorDescriptor lastError,
            WorkerInfo.@Nullable RunOutcome lastOutcome, @Nullable String lastSuccess, @Nullable String nextRun,
            @Nullable Long misfires) implements OperationResponseBody {

        static WorkerDescriptor of(WorkerInfo worker, boolean shown) {
            return new WorkerDescriptor(worker.name(), worker.kind(), worker.state(), worker.aloop(),
                    worker.schedule(), worker.runs(), worker.failures(), text(worker.lastRunStarted()),
                    text(worker.lastRunDuration()), worker.queueSize(), worker.skipped(), worker.guard(),
                    worker.failuresInARow(), worker.retries(), worker.retrying(), worker.deadLetters(),
                    worker.deadLettersKept(), worker.paused(),
                    worker.kind() == WorkerKind.QUEUE ? worker.capacity() : null,
                    worker.lastError() == null ? null : LastErrorDescriptor.of(worker.lastError(), shown),
                    worker.lastOutcome(), text(worker.lastSuccess()), text(worker.nextRun()),
                    worker.kind() == WorkerKind.INTERVAL ? worker.misfires() : null);
        }
    }

    /**
     * A worker's last error.
     *
     * @param type the exception's class name
     * @param message its message (at most {@value WorkerInfo.LastError#MESSAGE_CHARS} characters), or
     *     {@value #HIDDEN} unless show-values allows it; absent when the exception had none
     * @param at when the run failed (ISO-8601)
     */
    public record LastErrorDescriptor(String type, @Nullable String message, String at) {

        static LastErrorDescriptor of(WorkerInfo.LastError error, boolean shown) {
            return new LastErrorDescriptor(error.type(), error.message() == null ? null : shown ? error.message() : HIDDEN,
                    error.at().toString());
        }
    }

    /**
     * A queue worker's dead letters.
     *
     * @param worker the worker's name
     * @param total items given up on since the worker was made, kept or not
     * @param kept dead letters kept now, until the application takes them
     * @param letters the oldest kept, at most {@value #DEAD_LETTERS_SHOWN}
     */
    public record DeadLettersDescriptor(String worker, long total, int kept, List<DeadLetterDescriptor> letters)
            implements OperationResponseBody {
    }

    /**
     * One dead letter.
     *
     * @param item the item's text (at most {@value #ITEM_CHARS} characters), or {@value #HIDDEN} unless
     *     show-values allows it
     * @param error the last failure's exception type, with its message when show-values allows it
     * @param attempts how many times the item ran
     * @param failedAt when the last run failed (ISO-8601)
     */
    public record DeadLetterDescriptor(String item, String error, int attempts, String failedAt) {

        static DeadLetterDescriptor of(DeadLetter<?> letter, boolean shown) {
            Throwable error = letter.error();
            String message = error.getMessage();
            return new DeadLetterDescriptor(shown ? shorten(String.valueOf(letter.item()), ITEM_CHARS) : HIDDEN,
                    error.getClass().getName() + (message == null ? "" : ": " + (shown ? shorten(message, ITEM_CHARS)
                            : HIDDEN)), letter.attempts(), letter.failedAt().toString());
        }
    }
}
