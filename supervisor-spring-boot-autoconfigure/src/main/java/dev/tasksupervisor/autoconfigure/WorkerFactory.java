package dev.tasksupervisor.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.StringValueResolver;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.lock.WorkerLock;
import dev.tasksupervisor.lock.WorkerLockGuards;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerKind;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Builds the workers found at start-up: resolves the {@code @Worker} attributes (placeholders,
 * durations), lets {@code supervisor.workers.<name>.*} override them, infers each method's kind and
 * checks everything that could make a worker fail later (names, kinds, signatures, schedules, aloops,
 * locks).
 * Every problem is a {@link SupervisorConfigurationException} naming the method, bean or property.
 */
final class WorkerFactory {

    private static final Logger log = LoggerFactory.getLogger(WorkerFactory.class);
    private static final String PROPERTY = "supervisor.workers.";

    private final TaskSupervisor supervisor;
    /** By {@link #relaxed} name. */
    private final Map<String, Configured> overrides;
    private final StringValueResolver resolver;
    /** Makes the run guards of locked workers; gives null when ShedLock is not on the class path. */
    private final Supplier<WorkerLockGuards> lockGuards;

    WorkerFactory(TaskSupervisor supervisor, Map<String, SupervisorProperties.WorkerSettings> overrides,
            StringValueResolver resolver) {
        this(supervisor, overrides, resolver, () -> null);
    }

    WorkerFactory(TaskSupervisor supervisor, Map<String, SupervisorProperties.WorkerSettings> overrides,
            StringValueResolver resolver, Supplier<WorkerLockGuards> lockGuards) {
        this.supervisor = supervisor;
        this.overrides = new LinkedHashMap<>();
        overrides.forEach((key, settings) -> this.overrides.put(relaxed(key), new Configured(key, settings)));
        this.resolver = resolver;
        this.lockGuards = lockGuards;
    }

    /** A worker's {@code supervisor.workers.<key>.*} settings, and the key as the configuration spells it. */
    private record Configured(String key, SupervisorProperties.WorkerSettings settings) {
    }

    /**
     * A worker's name as {@code supervisor.workers.<name>} may spell it: Spring Boot's relaxed forms of
     * the method name {@code refreshCache} are {@code refresh-cache}, {@code refresh_cache} and, from an
     * environment variable, {@code refreshcache}; all of them find the worker.
     */
    private static String relaxed(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    /** A worker ready to be registered, and whether it starts with the context. */
    record BuiltWorker(BackgroundWorker worker, boolean autoStart, WorkerDeclaration declaration) {
    }

    /** One setting and where it came from, for messages. */
    private record Setting<T>(T value, String origin) {
    }

    /** A worker's settings after the properties have overridden the annotation; unset ones are null. */
    private static final class Settings {
        Setting<Duration> interval;
        Setting<Duration> delay;
        Setting<Duration> initialDelay;
        Setting<Duration> pollDelay;
        Setting<String> aloop;
        Setting<Integer> queueCapacity;
        Setting<Integer> batchSize;
        Setting<String> lock;
        Setting<Duration> lockAtMostFor;
        Setting<Duration> lockAtLeastFor;
        boolean autoStart = true;
        /** The kind the annotation asks for, or null if none: {@link #askedKind}. */
        WorkerKind kind;
    }

    /**
     * Builds a worker for every declaration that is not disabled.
     *
     * @throws SupervisorConfigurationException for the first problem found
     */
    List<BuiltWorker> create(List<WorkerDeclaration> declarations) {
        Map<String, WorkerDeclaration> byName = new LinkedHashMap<>();
        List<BuiltWorker> built = new ArrayList<>();
        for (WorkerDeclaration declaration : declarations) {
            String name = name(declaration);
            WorkerDeclaration other = byName.putIfAbsent(name, declaration);
            if (other != null) {
                throw new SupervisorConfigurationException("Two workers are named '" + name + "': "
                        + other.describe() + " and " + declaration.describe() + ".",
                        "Give one of them another name: @Worker(name = \"...\") on a method, or the name a worker "
                                + "bean passes to its constructor.");
            }
            Optional<BackgroundWorker> registered = supervisor.findWorker(name);
            if (registered.isPresent() && registered.get() != declaration.bean()) {
                throw new SupervisorConfigurationException("Worker '" + name + "' of " + declaration.describe()
                        + " has the name of a worker already registered with task supervisor '" + supervisor.getId()
                        + "' (" + registered.get() + ").",
                        "Give one of them another name.");
            }
            Configured override = overrides.get(relaxed(name));
            if (override != null && !override.settings().isEnabled()) {
                log.info("Worker '{}' ({}) is disabled by {}{}.enabled", name, declaration.describe(), PROPERTY,
                        override.key());
                continue;
            }
            Settings settings = settings(declaration, name, override);
            built.add(new BuiltWorker(declaration.isMethod() ? fromMethod(declaration, name, settings)
                    : fromBean(declaration, name, settings), settings.autoStart, declaration));
        }
        Set<String> found = byName.keySet().stream().map(WorkerFactory::relaxed).collect(Collectors.toSet());
        overrides.forEach((relaxedKey, override) -> {
            if (!found.contains(relaxedKey)) {
                log.warn("{}{}.* configures a worker that does not exist; the workers are {}", PROPERTY, override.key(),
                        new TreeSet<>(byName.keySet()));
            }
        });
        return built;
    }

    private String name(WorkerDeclaration declaration) {
        Worker annotation = declaration.annotation();
        String named = annotation == null ? "" : resolve(declaration, "name", annotation.name()).trim();
        if (declaration.isMethod()) {
            return named.isEmpty() ? declaration.method().getName() : named;
        }
        String beanWorkerName = declaration.worker().getName();
        if (!named.isEmpty() && !named.equals(beanWorkerName)) {
            throw new SupervisorConfigurationException("@Worker(name = \"" + named + "\") on " + declaration.describe()
                    + " differs from the name the worker was constructed with, '" + beanWorkerName + "'.",
                    "Remove the annotation's name: a worker bean's name is the one passed to its constructor.");
        }
        return beanWorkerName;
    }

    // ------------------------------------------------------------------ settings

    private Settings settings(WorkerDeclaration declaration, String name, Configured configured) {
        Settings s = new Settings();
        Worker annotation = declaration.annotation();
        if (annotation != null) {
            s.interval = duration(declaration, "interval", annotation.interval());
            s.delay = duration(declaration, "delay", annotation.delay());
            s.initialDelay = duration(declaration, "initialDelay", annotation.initialDelay());
            s.pollDelay = duration(declaration, "pollDelay", annotation.pollDelay());
            String aloop = resolve(declaration, "aloop", annotation.aloop()).trim();
            s.aloop = aloop.isEmpty() ? null : new Setting<>(aloop, origin(declaration, "aloop", annotation.aloop()));
            s.queueCapacity = annotation.queueCapacity() == 0 ? null
                    : new Setting<>(annotation.queueCapacity(), origin(declaration, "queueCapacity", annotation.queueCapacity()));
            s.batchSize = annotation.batchSize() == 0 ? null
                    : new Setting<>(annotation.batchSize(), origin(declaration, "batchSize", annotation.batchSize()));
            String lock = resolve(declaration, "lock", annotation.lock()).trim();
            s.lock = lock.isEmpty() ? null : new Setting<>(lock, origin(declaration, "lock", annotation.lock()));
            s.lockAtMostFor = duration(declaration, "lockAtMostFor", annotation.lockAtMostFor());
            s.lockAtLeastFor = duration(declaration, "lockAtLeastFor", annotation.lockAtLeastFor());
            s.autoStart = annotation.autoStart();
            if (s.interval != null && s.delay != null) {
                throw new SupervisorConfigurationException("@Worker on " + declaration.describe() + " sets both interval ("
                        + s.interval.value() + ") and delay (" + s.delay.value() + ").",
                        "Keep interval for runs at a fixed rate, or delay for a pause after each run; not both.");
            }
            s.kind = askedKind(declaration);
        }
        if (configured != null) {
            SupervisorProperties.WorkerSettings override = configured.settings();
            String prefix = PROPERTY + configured.key() + ".";
            if (override.getInterval() != null || override.getDelay() != null) {
                if (override.getInterval() != null && override.getDelay() != null) {
                    throw new SupervisorConfigurationException(prefix + "interval (" + override.getInterval() + ") and "
                            + prefix + "delay (" + override.getDelay() + ") are both set.",
                            "Keep " + prefix + "interval for runs at a fixed rate, or " + prefix
                                    + "delay for a pause after each run; not both.");
                }
                // Either property replaces the annotation's whole schedule, so one cannot clash with the other.
                s.interval = setting(override.getInterval(), prefix + "interval");
                s.delay = setting(override.getDelay(), prefix + "delay");
            }
            if (override.getInitialDelay() != null) {
                s.initialDelay = setting(override.getInitialDelay(), prefix + "initial-delay");
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
            if (override.getBatchSize() != null) {
                s.batchSize = setting(override.getBatchSize(), prefix + "batch-size");
            }
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
        }
        if (s.kind == WorkerKind.INTERVAL && s.interval == null && s.delay == null && declaration.isMethod()) {
            Worker a = declaration.annotation();
            String attribute = a.interval().isEmpty() ? "delay" : "interval";
            throw new SupervisorConfigurationException(origin(declaration, attribute, attribute.equals("delay")
                    ? a.delay() : a.interval()) + " resolved to nothing, and neither " + PROPERTY + name + ".interval nor "
                    + PROPERTY + name + ".delay is set: the interval worker has no schedule.",
                    "Give the placeholder a default, as in ${name:10s}, define the property it names, or set "
                            + PROPERTY + name + ".interval (or .delay).");
        }
        check(s.interval, ConfiguredValues::positive);
        check(s.delay, ConfiguredValues::positive);
        check(s.initialDelay, ConfiguredValues::notNegative);
        check(s.pollDelay, ConfiguredValues::notNegative);
        checkLock(s, name);
        check(s.queueCapacity, (value, origin) -> ConfiguredValues.notNegative(value, origin,
                "a capacity of 0 leaves the queue unbounded"));
        check(s.batchSize, (value, origin) -> ConfiguredValues.notNegative(value, origin,
                "a batch size of 0 hands the method one item at a time"));
        return s;
    }

    /** A lock's durations, and durations without a lock; the kind is checked once it is known. */
    private static void checkLock(Settings s, String name) {
        check(s.lockAtMostFor, ConfiguredValues::positive);
        check(s.lockAtLeastFor, ConfiguredValues::notNegative);
        if (s.lock == null) {
            Setting<Duration> stray = s.lockAtMostFor != null ? s.lockAtMostFor : s.lockAtLeastFor;
            if (stray != null) {
                throw new SupervisorConfigurationException(stray.origin() + " is set, but worker '" + name
                        + "' takes no lock.",
                        "Name the lock with @Worker(lock = \"...\") or " + PROPERTY + name + ".lock.name, or remove the "
                                + "setting.");
            }
            return;
        }
        Duration atMostFor = s.lockAtMostFor != null ? s.lockAtMostFor.value() : WorkerLock.DEFAULT_AT_MOST_FOR;
        if (s.lockAtLeastFor != null && s.lockAtLeastFor.value().compareTo(atMostFor) > 0) {
            String most = s.lockAtMostFor != null ? s.lockAtMostFor.origin()
                    : "the default lockAtMostFor (" + WorkerLock.DEFAULT_AT_MOST_FOR_TEXT + ")";
            throw new SupervisorConfigurationException(s.lockAtLeastFor.origin() + " is " + s.lockAtLeastFor.value()
                    + ", longer than " + most + ", " + atMostFor + ", for lock '" + s.lock.value() + "' of worker '"
                    + name + "'.",
                    "Hold the lock at least for no longer than at most: lower lockAtLeastFor or raise lockAtMostFor.");
        }
    }

    private static <T> void check(Setting<T> setting, BiConsumer<T, String> check) {
        if (setting != null) {
            check.accept(setting.value(), setting.origin());
        }
    }

    private static <T> Setting<T> setting(T value, String origin) {
        return value == null ? null : new Setting<>(value, origin);
    }

    private static String origin(WorkerDeclaration declaration, String attribute, Object raw) {
        String value = raw instanceof String ? "\"" + raw + "\"" : String.valueOf(raw);
        return "@Worker(" + attribute + " = " + value + ") on " + declaration.describe();
    }

    private Setting<Duration> duration(WorkerDeclaration declaration, String attribute, String raw) {
        if (raw.isEmpty()) {
            return null;
        }
        String value = resolve(declaration, attribute, raw).trim();
        if (value.isEmpty()) {
            return null; // a placeholder that resolved to nothing, such as ${worker.initial-delay:}
        }
        String origin = origin(declaration, attribute, raw);
        try {
            return new Setting<>(DurationStyle.detectAndParse(value), origin);
        } catch (IllegalArgumentException e) {
            throw new SupervisorConfigurationException(origin + (value.equals(raw) ? "" : ", resolved to '" + value + "',")
                    + " is not a duration.",
                    "Use a Spring Boot duration such as 500ms, 10s, 5m or PT10S (a bare number means milliseconds).", e);
        }
    }

    private String resolve(WorkerDeclaration declaration, String attribute, String raw) {
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

    // ------------------------------------------------------------------ building

    private BackgroundWorker fromMethod(WorkerDeclaration declaration, String name, Settings settings) {
        WorkerKind kind = settings.kind != null ? settings.kind
                : WorkerMethod.returnsStage(declaration.method()) ? WorkerKind.ASYNC : WorkerKind.PLAIN;
        int batchSize = settings.batchSize == null ? 0 : settings.batchSize.value();
        checkApplies(settings, name, declaration, kind, WorkerMethod.returnsStage(declaration.method()));
        WorkerMethod method = WorkerMethod.of(declaration, kind, batchSize > 0);
        @SuppressWarnings({"unchecked", "rawtypes"})
        WorkerTarget<Void> noInput = (WorkerTarget) method;
        BackgroundWorker worker = switch (kind) {
            case INTERVAL -> new IntervalWorker(supervisor, name, noInput);
            case EVENT -> new EventWorker(supervisor, name, noInput);
            case QUEUE -> new MethodQueueWorker(supervisor, name, method, batchSize);
            case PLAIN, ASYNC -> new ContinuousWorker(supervisor, name, noInput);
        };
        apply(worker, settings, declaration);
        return worker;
    }

    /**
     * The kind an annotation asks for, as neotasker's decorator infers it, or {@code null} if none; the
     * one inference for methods and worker beans. An interval or delay asks for an interval worker even
     * when its placeholder resolves to nothing: the schedule must then come from the properties.
     */
    private static WorkerKind askedKind(WorkerDeclaration declaration) {
        Worker a = declaration.annotation();
        boolean interval = !a.interval().isEmpty() || !a.delay().isEmpty();
        boolean queue = a.queue() || a.queueCapacity() != 0 || a.batchSize() != 0;
        boolean event = a.event();
        if ((interval ? 1 : 0) + (queue ? 1 : 0) + (event ? 1 : 0) > 1) {
            throw new SupervisorConfigurationException("@Worker on " + declaration.describe() + " asks for more than one "
                    + "kind of worker:" + (interval ? " interval (interval/delay)" : "") + (queue ? " queue (queue/"
                    + "queueCapacity/batchSize)" : "") + (event ? " event (event = true)" : "") + ".",
                    "Keep the attributes of one kind: interval or delay for an interval worker, queue, queueCapacity "
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

    private BackgroundWorker fromBean(WorkerDeclaration declaration, String name, Settings settings) {
        BackgroundWorker worker = declaration.worker();
        if (worker.getSupervisor() != supervisor) {
            throw new SupervisorConfigurationException("Worker " + declaration.describe() + " belongs to task supervisor '"
                    + worker.getSupervisor().getId() + "', not to the application's TaskSupervisor bean ('"
                    + supervisor.getId() + "').",
                    "Construct the worker with the TaskSupervisor bean (inject it), or do not make it a bean.");
        }
        if (settings.kind != null && settings.kind != worker.getKind()) {
            throw new SupervisorConfigurationException("@Worker on " + declaration.describe() + " asks for "
                    + article(settings.kind) + " worker, but the bean is " + article(worker.getKind()) + " worker.",
                    "Remove the attributes of the other kind from the annotation.");
        }
        checkApplies(settings, name, declaration, worker.getKind(), worker.isAsync());
        if (settings.batchSize != null && worker instanceof QueueWorker<?> queue
                && settings.batchSize.value() != queue.getBatchSize()) {
            throw new SupervisorConfigurationException(settings.batchSize.origin() + " asks for batches of "
                    + settings.batchSize.value() + ", but the batch size of a worker bean is fixed by its constructor ("
                    + queue.getBatchSize() + ").",
                    "Remove the setting, or pass the batch size to the worker's constructor.");
        }
        apply(worker, settings, declaration);
        return worker;
    }

    private static void checkApplies(Settings s, String name, WorkerDeclaration declaration, WorkerKind kind,
            boolean async) {
        if (kind != WorkerKind.INTERVAL) {
            notFor(s.interval, name, declaration, kind, "interval workers");
            notFor(s.delay, name, declaration, kind, "interval workers");
            notFor(s.initialDelay, name, declaration, kind, "interval workers");
        }
        if (kind != WorkerKind.QUEUE) {
            notFor(s.queueCapacity, name, declaration, kind, "queue workers");
            notFor(s.batchSize, name, declaration, kind, "queue workers");
        }
        if (!async) {
            notFor(s.aloop, name, declaration, kind, "async workers (their method returns a CompletionStage)");
        }
        if (s.lock != null && kind != WorkerKind.INTERVAL && kind != WorkerKind.EVENT) {
            String why = kind == WorkerKind.QUEUE
                    ? "a queue worker runs once per item, and a lock per item would be another feature"
                    : "it runs again and again, so the instances without the lock would spin trying to take it";
            throw new SupervisorConfigurationException(s.lock.origin() + " is set, but worker '" + name + "' ("
                    + declaration.describe() + ") is " + article(kind) + " worker: locks apply to interval and event "
                    + "workers only (" + why + ").",
                    kind == WorkerKind.QUEUE
                            ? "Remove the lock; to handle each item on one instance only, put items into a shared queue "
                                    + "(a message broker) instead of each instance's queue worker."
                            : "Remove the lock, or make it an interval worker (@Worker(delay = \"...\") runs it again after "
                                    + "each run ends) so that each run takes the lock.");
        }
    }

    private static void notFor(Setting<?> setting, String name, WorkerDeclaration declaration, WorkerKind kind,
            String appliesTo) {
        if (setting != null) {
            throw new SupervisorConfigurationException(setting.origin() + " is set, but worker '" + name + "' ("
                    + declaration.describe() + ") is " + article(kind) + " worker: the setting applies to "
                    + appliesTo + " only.",
                    "Remove the setting, or change the worker's kind.");
        }
    }

    private static String article(WorkerKind kind) {
        String lower = kind.name().toLowerCase(Locale.ROOT);
        return (kind == WorkerKind.INTERVAL || kind == WorkerKind.EVENT || kind == WorkerKind.ASYNC ? "an " : "a ")
                + lower;
    }

    private void apply(BackgroundWorker worker, Settings s, WorkerDeclaration declaration) {
        if (worker instanceof IntervalWorker interval) {
            if (s.interval != null) {
                interval.setInterval(s.interval.value());
            }
            if (s.delay != null) {
                interval.setDelay(s.delay.value());
            }
            if (s.initialDelay != null) {
                interval.setInitialDelay(s.initialDelay.value());
            }
        }
        if (worker instanceof QueueWorker<?> queue && s.queueCapacity != null) {
            queue.setCapacity(s.queueCapacity.value());
        }
        if (s.pollDelay != null) {
            worker.setPollDelay(s.pollDelay.value());
        }
        if (s.aloop != null) {
            worker.setAloop(s.aloop.value());
        }
        if (worker.isAsync()) {
            requireAloop(worker, s, declaration);
        }
        if (s.lock != null) {
            lock(worker, s);
        }
    }

    /** Makes each run take the worker's lock, through ShedLock, which must be there. */
    private void lock(BackgroundWorker worker, Settings s) {
        WorkerLockGuards guards = lockGuards.get();
        if (guards == null) {
            throw new SupervisorConfigurationException(s.lock.origin() + " asks worker '" + worker.getName()
                    + "' to take lock '" + s.lock.value() + "' before each run, but ShedLock is not on the class path.",
                    "Add net.javacrumbs.shedlock:shedlock-core with a provider for a store every instance shares, such "
                            + "as net.javacrumbs.shedlock:shedlock-provider-jdbc-template, and define a LockProvider bean "
                            + "(e.g. a JdbcTemplateLockProvider); or remove the lock.");
        }
        WorkerLock lock = new WorkerLock(s.lock.value(),
                s.lockAtMostFor != null ? s.lockAtMostFor.value() : WorkerLock.DEFAULT_AT_MOST_FOR,
                s.lockAtLeastFor != null ? s.lockAtLeastFor.value() : Duration.ZERO);
        if (worker.getRunGuard() != null) {
            throw new SupervisorConfigurationException(s.lock.origin() + " asks worker '" + worker.getName()
                    + "' to take lock '" + lock.name() + "', but the worker bean already has a run guard ("
                    + worker.getRunGuard().describe() + ").",
                    "Keep one of them: remove the lock setting, or do not set a run guard on the bean.");
        }
        worker.setRunGuard(guards.guardFor(worker.getName(), lock));
    }

    /** An async worker must find its aloop when it starts: check now, so start-up fails instead. */
    private void requireAloop(BackgroundWorker worker, Settings s, WorkerDeclaration declaration) {
        String aloop = worker.info().aloop();
        if (aloop != null) {
            if (supervisor.findAloop(aloop).isEmpty()) {
                String origin = s.aloop != null ? s.aloop.origin() : "The aloop '" + aloop + "' set on " + declaration.describe();
                throw new SupervisorConfigurationException(origin + " names aloop '" + aloop + "', which task supervisor '"
                        + supervisor.getId() + "' does not have (its aloops: " + aloopNames() + ").",
                        "Configure the aloop with supervisor.aloops." + aloop + ".*, or name one of the existing aloops.");
            }
        } else if (supervisor.getDefaultAloop().isEmpty()) {
            throw new SupervisorConfigurationException("Worker '" + worker.getName() + "' (" + declaration.describe()
                    + ") is async (its target returns a CompletionStage) and names no aloop, but task supervisor '"
                    + supervisor.getId() + "' has no default aloop (its aloops: " + aloopNames() + ").",
                    "Make an aloop the default with supervisor.aloops.<name>.default=true, or name one with "
                            + "@Worker(aloop = \"...\") or supervisor.workers." + worker.getName() + ".aloop.");
        }
    }

    private List<String> aloopNames() {
        return supervisor.getAloops().stream().map(Aloop::getName).toList();
    }
}
