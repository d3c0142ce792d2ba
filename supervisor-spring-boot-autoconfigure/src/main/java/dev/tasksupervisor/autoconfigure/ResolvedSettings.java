package dev.tasksupervisor.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.StringValueResolver;

import dev.tasksupervisor.annotation.Retry;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.MisfirePolicy;
import dev.tasksupervisor.worker.WorkerKind;

/**
 * One worker's settings after {@code supervisor.workers.<name>.*} have overridden its {@code @Worker}
 * attributes, each with where it came from (for messages); unset ones are {@code null}. Resolving
 * placeholders, parsing durations and inferring the kind the annotation asks for happen here; the values
 * themselves are the engine's to validate, when {@link WorkerFactory} applies them.
 */
final class ResolvedSettings {

    private static final String PROPERTY = "supervisor.workers.";

    /** One setting and where it came from, for messages. */
    record Setting<T>(T value, String origin) {
    }

    private final WorkerDeclaration declaration;
    private final StringValueResolver resolver;

    Setting<String> cron;
    Setting<String> zone;
    Setting<MisfirePolicy> misfire;
    Setting<Duration> interval;
    Setting<Duration> delay;
    Setting<Duration> initialDelay;
    Setting<Duration> pollDelay;
    Setting<Duration> runTimeout;
    Setting<String> aloop;
    Setting<Integer> queueCapacity;
    Setting<Integer> queueSizeWarning;
    Setting<Integer> batchSize;
    Setting<Boolean> durable;
    Setting<Duration> lease;
    Setting<Integer> claimSize;
    Setting<Boolean> transactional;
    Setting<String> lock;
    Setting<Duration> lockAtMostFor;
    Setting<Duration> lockAtLeastFor;
    Setting<Duration> backoffInitial;
    Setting<Double> backoffMultiplier;
    Setting<Duration> backoffMax;
    Setting<Long> retryMaxRetries;
    Setting<Duration> retryDelay;
    Setting<Double> retryMultiplier;
    Setting<Duration> retryMaxDelay;
    Setting<Duration> retryJitter;
    Setting<List<Class<? extends Throwable>>> retryIncludes;
    Setting<List<Class<? extends Throwable>>> retryExcludes;
    Setting<String> deadLetterHandler;
    Setting<String> undeliveredHandler;
    Setting<String> errorHandler;
    Setting<Integer> deadLetterCapacity;
    boolean autoStart = true;
    /** The kind the annotation asks for, or null if none: {@link #askedKind}. */
    WorkerKind kind;

    private ResolvedSettings(WorkerDeclaration declaration, StringValueResolver resolver) {
        this.declaration = declaration;
        this.resolver = resolver;
    }

    /**
     * The settings of the worker {@code name} declared by {@code declaration}, overridden by the properties
     * under {@code supervisor.workers.<key>} if there are any.
     *
     * @throws SupervisorConfigurationException for an attribute that is no duration, a placeholder that
     *     cannot be resolved, or lock durations without a lock
     */
    static ResolvedSettings resolve(WorkerDeclaration declaration, String name, String key,
            SupervisorProperties.WorkerSettings override, StringValueResolver resolver) {
        ResolvedSettings s = new ResolvedSettings(declaration, resolver);
        Worker annotation = declaration.annotation();
        if (annotation != null) {
            s.cron = s.text("cron", annotation.cron());
            s.zone = s.text("zone", annotation.zone());
            s.misfire = annotation.misfire() == MisfirePolicy.RUN_ONCE ? null
                    : new Setting<>(annotation.misfire(), origin(declaration, "misfire", annotation.misfire()));
            s.interval = s.duration("interval", annotation.interval());
            s.delay = s.duration("delay", annotation.delay());
            s.initialDelay = s.duration("initialDelay", annotation.initialDelay());
            s.pollDelay = s.duration("pollDelay", annotation.pollDelay());
            s.runTimeout = s.duration("runTimeout", annotation.runTimeout());
            String aloop = s.resolve("aloop", annotation.aloop()).trim();
            s.aloop = aloop.isEmpty() ? null : new Setting<>(aloop, origin(declaration, "aloop", annotation.aloop()));
            s.queueCapacity = annotation.queueCapacity() == 0 ? null
                    : new Setting<>(annotation.queueCapacity(), origin(declaration, "queueCapacity", annotation.queueCapacity()));
            s.batchSize = annotation.batchSize() == 0 ? null
                    : new Setting<>(annotation.batchSize(), origin(declaration, "batchSize", annotation.batchSize()));
            s.durable = annotation.durable() ? new Setting<>(true, origin(declaration, "durable", true)) : null;
            String lock = s.resolve("lock", annotation.lock()).trim();
            s.lock = lock.isEmpty() ? null : new Setting<>(lock, origin(declaration, "lock", annotation.lock()));
            s.lockAtMostFor = s.duration("lockAtMostFor", annotation.lockAtMostFor());
            s.lockAtLeastFor = s.duration("lockAtLeastFor", annotation.lockAtLeastFor());
            s.autoStart = annotation.autoStart();
            s.kind = askedKind(declaration);
            s.retry(annotation.retry());
            s.deadLetterHandler = s.beanName("deadLetterHandler", annotation.deadLetterHandler());
            s.undeliveredHandler = s.beanName("undeliveredHandler", annotation.undeliveredHandler());
            s.errorHandler = s.beanName("errorHandler", annotation.errorHandler());
        }
        if (override != null) {
            String prefix = PROPERTY + key + ".";
            if (replacesSchedule(override)) {
                // Any of them replaces the annotation's whole schedule, so one cannot clash with the other.
                s.cron = override.getCron() == null || override.getCron().isBlank() ? null
                        : setting(override.getCron().trim(), prefix + "cron");
                s.interval = setting(override.getInterval(), prefix + "interval");
                s.delay = setting(override.getDelay(), prefix + "delay");
            }
            if (override.getZone() != null && !override.getZone().isBlank()) {
                s.zone = setting(override.getZone().trim(), prefix + "zone");
            }
            if (override.getMisfire() != null) {
                s.misfire = setting(override.getMisfire(), prefix + "misfire");
            }
            if (override.getInitialDelay() != null) {
                s.initialDelay = setting(override.getInitialDelay(), prefix + "initial-delay");
            }
            if (override.getRunTimeout() != null) {
                s.runTimeout = setting(override.getRunTimeout(), prefix + "run-timeout");
            }
            if (override.getPollDelay() != null) {
                s.pollDelay = setting(override.getPollDelay(), prefix + "poll-delay");
            }
            if (override.getAloop() != null && !override.getAloop().isBlank()) {
                s.aloop = setting(override.getAloop().trim(), prefix + "aloop");
            }
            if (override.getQueueCapacity() != null) {
                s.queueCapacity = setting(override.getQueueCapacity(), prefix + "queue-capacity");
            }
            s.queueSizeWarning = setting(override.getQueueSizeWarning(), prefix + "queue-size-warning");
            if (override.getBatchSize() != null) {
                s.batchSize = setting(override.getBatchSize(), prefix + "batch-size");
            }
            if (override.getDurable() != null) {
                s.durable = override.getDurable() ? setting(true, prefix + "durable") : null;
            }
            s.lease = setting(override.getLease(), prefix + "lease");
            s.claimSize = setting(override.getClaimSize(), prefix + "claim-size");
            s.transactional = setting(override.getTransactional(), prefix + "transactional");
            if (override.getAutoStart() != null) {
                s.autoStart = override.getAutoStart();
            }
            SupervisorProperties.LockSettings lock = override.getLock();
            if (lock.getName() != null && !lock.getName().isBlank()) {
                s.lock = setting(lock.getName().trim(), prefix + "lock.name");
            }
            if (lock.getAtMostFor() != null) {
                s.lockAtMostFor = setting(lock.getAtMostFor(), prefix + "lock.at-most-for");
            }
            if (lock.getAtLeastFor() != null) {
                s.lockAtLeastFor = setting(lock.getAtLeastFor(), prefix + "lock.at-least-for");
            }
            SupervisorProperties.BackoffSettings backoff = override.getBackoff();
            s.backoffInitial = setting(backoff.getInitial(), prefix + "backoff.initial");
            s.backoffMultiplier = setting(backoff.getMultiplier(), prefix + "backoff.multiplier");
            s.backoffMax = setting(backoff.getMax(), prefix + "backoff.max");
            SupervisorProperties.RetrySettings retry = override.getRetry();
            s.retryMaxRetries = or(setting(retry.getMaxRetries(), prefix + "retry.max-retries"), s.retryMaxRetries);
            s.retryDelay = or(setting(retry.getDelay(), prefix + "retry.delay"), s.retryDelay);
            s.retryMultiplier = or(setting(retry.getMultiplier(), prefix + "retry.multiplier"), s.retryMultiplier);
            s.retryMaxDelay = or(setting(retry.getMaxDelay(), prefix + "retry.max-delay"), s.retryMaxDelay);
            s.retryJitter = or(setting(retry.getJitter(), prefix + "retry.jitter"), s.retryJitter);
            if (!retry.getIncludes().isEmpty()) {
                s.retryIncludes = setting(List.copyOf(retry.getIncludes()), prefix + "retry.includes");
            }
            if (!retry.getExcludes().isEmpty()) {
                s.retryExcludes = setting(List.copyOf(retry.getExcludes()), prefix + "retry.excludes");
            }
            s.deadLetterHandler = or(beanProperty(override.getDeadLetterHandler(), prefix + "dead-letter-handler"),
                    s.deadLetterHandler);
            s.undeliveredHandler = or(beanProperty(override.getUndeliveredHandler(), prefix + "undelivered-handler"),
                    s.undeliveredHandler);
            s.errorHandler = or(beanProperty(override.getErrorHandler(), prefix + "error-handler"), s.errorHandler);
            s.deadLetterCapacity = setting(override.getDeadLetterCapacity(), prefix + "dead-letter-capacity");
        }
        s.checkStrayLockDurations(name);
        return s;
    }

    private static boolean replacesSchedule(SupervisorProperties.WorkerSettings override) {
        return (override.getCron() != null && !override.getCron().isBlank()) || override.getInterval() != null
                || override.getDelay() != null;
    }

    /**
     * Where the worker's cron {@value Worker#CRON_DISABLED} turns it off, as {@code @Scheduled(cron = "-")} does, or
     * {@code null} when it does not: the property's cron when the properties give the schedule, else the
     * annotation's, placeholders resolved by {@code resolver} (which may be null: none resolved).
     */
    static String disabledByCron(WorkerDeclaration declaration, SupervisorProperties.WorkerSettings override,
            String key, StringValueResolver resolver) {
        Worker annotation = declaration.annotation();
        if (!cronOff(annotation, override, raw -> resolve(declaration, resolver, "cron", raw))) {
            return null;
        }
        return override != null && replacesSchedule(override) ? PROPERTY + key + ".cron"
                : origin(declaration, "cron", annotation.cron());
    }

    /** Whether the cron that gives the worker's schedule is {@value Worker#CRON_DISABLED}; {@code resolve} resolves placeholders. */
    static boolean cronOff(Worker annotation, SupervisorProperties.WorkerSettings override, UnaryOperator<String> resolve) {
        if (override != null && replacesSchedule(override)) {
            return override.getCron() != null && Worker.CRON_DISABLED.equals(override.getCron().trim());
        }
        return annotation != null && !annotation.cron().isEmpty()
                && Worker.CRON_DISABLED.equals(resolve.apply(annotation.cron()).trim());
    }

    /** Lock durations without a lock; what the lock's durations may be, the lock itself checks. */
    private void checkStrayLockDurations(String name) {
        if (lock == null) {
            Setting<Duration> stray = lockAtMostFor != null ? lockAtMostFor : lockAtLeastFor;
            if (stray != null) {
                throw new SupervisorConfigurationException(stray.origin() + " is set, but worker '" + name
                        + "' takes no lock.",
                        "Name the lock with @Worker(lock = \"...\") or " + PROPERTY + name + ".lock.name, or remove the "
                                + "setting.");
            }
        }
    }

    private static <T> Setting<T> setting(T value, String origin) {
        return value == null ? null : new Setting<>(value, origin);
    }

    private static <T> Setting<T> or(Setting<T> property, Setting<T> annotation) {
        return property != null ? property : annotation;
    }

    /** Whether any retry setting is given, from the annotation or the properties: then retries are on. */
    boolean retrySet() {
        return retryMaxRetries != null || retryDelay != null || retryMultiplier != null || retryMaxDelay != null
                || retryJitter != null || retryIncludes != null || retryExcludes != null;
    }

    /** The annotation's retry, unless it is the default one, which retries nothing and sets nothing. */
    private void retry(Retry retry) {
        if (retry.maxRetries() == 0) {
            return;
        }
        retryMaxRetries = new Setting<>(retry.maxRetries(), retryOrigin("maxRetries", retry.maxRetries()));
        retryDelay = duration("retry.delay", retry.delay(), retryOrigin("delay", retry.delay()));
        retryMultiplier = new Setting<>(retry.multiplier(), retryOrigin("multiplier", retry.multiplier()));
        retryMaxDelay = duration("retry.maxDelay", retry.maxDelay(), retryOrigin("maxDelay", retry.maxDelay()));
        retryJitter = duration("retry.jitter", retry.jitter(), retryOrigin("jitter", retry.jitter()));
        if (retry.includes().length > 0) {
            retryIncludes = new Setting<>(List.of(retry.includes()), retryOrigin("includes", names(retry.includes())));
        }
        if (retry.excludes().length > 0) {
            retryExcludes = new Setting<>(List.of(retry.excludes()), retryOrigin("excludes", names(retry.excludes())));
        }
    }

    private String retryOrigin(String attribute, Object raw) {
        String value = raw instanceof String ? "\"" + raw + "\"" : String.valueOf(raw);
        return "@Worker(retry = @Retry(" + attribute + " = " + value + ")) on " + declaration.describe();
    }

    private static String names(Class<?>[] types) {
        return Arrays.stream(types).map(type -> type.getSimpleName() + ".class").toList().toString();
    }

    static String origin(WorkerDeclaration declaration, String attribute, Object raw) {
        String value = raw instanceof String ? "\"" + raw + "\"" : String.valueOf(raw);
        return "@Worker(" + attribute + " = " + value + ") on " + declaration.describe();
    }

    private Setting<Duration> duration(String attribute, String raw) {
        return duration(attribute, raw, origin(declaration, attribute, raw));
    }

    private Setting<Duration> duration(String attribute, String raw, String origin) {
        if (raw.isEmpty()) {
            return null;
        }
        String value = resolve(attribute, raw).trim();
        if (value.isEmpty()) {
            return null; // a placeholder that resolved to nothing, such as ${worker.initial-delay:}
        }
        try {
            return new Setting<>(DurationStyle.detectAndParse(value), origin);
        } catch (IllegalArgumentException e) {
            String action = CronExpression.isValidExpression(value)
                    ? "It is a cron expression: set it as cron instead, as in @Worker(cron = \"" + value + "\") (or "
                            + PROPERTY + "<name>.cron)."
                    : "Use a Spring Boot duration such as 500ms, 10s, 5m or PT10S (a bare number means milliseconds).";
            throw new SupervisorConfigurationException(origin + (value.equals(raw) ? "" : ", resolved to '" + value + "',")
                    + " is not a duration.", action, e);
        }
    }

    private String resolve(String attribute, String raw) {
        return resolve(declaration, resolver, attribute, raw);
    }

    /** An attribute with its placeholders resolved; "" for one that resolved to nothing. */
    static String resolve(WorkerDeclaration declaration, StringValueResolver resolver, String attribute, String raw) {
        if (raw.isEmpty() || resolver == null) {
            return raw;
        }
        try {
            String value = resolver.resolveStringValue(raw);
            return value == null ? "" : value;
        } catch (IllegalArgumentException e) {
            throw new SupervisorConfigurationException(origin(declaration, attribute, raw) + " cannot be resolved: "
                    + e.getMessage(),
                    "Define the property the placeholder names, or give it a default, as in ${name:10s}.", e);
        }
    }

    /** A text attribute, placeholders resolved and trimmed; null when empty. */
    private Setting<String> text(String attribute, String raw) {
        String value = resolve(attribute, raw).trim();
        return value.isEmpty() ? null : new Setting<>(value, origin(declaration, attribute, raw));
    }

    /** A bean name from an annotation attribute, placeholders resolved; null when empty. */
    private Setting<String> beanName(String attribute, String raw) {
        String name = resolve(attribute, raw).trim();
        return name.isEmpty() ? null : new Setting<>(name, origin(declaration, attribute, raw));
    }

    /** A bean name from a property; null when unset or blank. */
    private static Setting<String> beanProperty(String value, String property) {
        return value == null || value.isBlank() ? null : setting(value.trim(), property);
    }

    /**
     * The kind an annotation asks for, as neotasker's decorator infers it, or {@code null} if none; the
     * one inference for methods and worker beans. A cron, interval or delay asks for an interval worker even
     * when its placeholder resolves to nothing: the schedule must then come from the properties.
     */
    static WorkerKind askedKind(WorkerDeclaration declaration) {
        Worker a = declaration.annotation();
        boolean interval = !a.cron().isEmpty() || !a.interval().isEmpty() || !a.delay().isEmpty();
        boolean queue = a.queue() || a.queueCapacity() != 0 || a.batchSize() != 0 || a.durable();
        boolean event = a.event();
        if ((interval ? 1 : 0) + (queue ? 1 : 0) + (event ? 1 : 0) > 1) {
            throw new SupervisorConfigurationException("@Worker on " + declaration.describe() + " asks for more than one "
                    + "kind of worker:" + (interval ? " interval (cron/interval/delay)" : "") + (queue ? " queue (queue/"
                    + "queueCapacity/batchSize/durable)" : "") + (event ? " event (event = true)" : "") + ".",
                    "Keep the attributes of one kind: cron, interval or delay for an interval worker, queue, queueCapacity "
                            + "or batchSize for a queue worker, event = true for an event worker.");
        }
        if (interval) {
            return WorkerKind.INTERVAL;
        }
        if (queue) {
            return WorkerKind.QUEUE;
        }
        return event ? WorkerKind.EVENT : null;
    }
}
