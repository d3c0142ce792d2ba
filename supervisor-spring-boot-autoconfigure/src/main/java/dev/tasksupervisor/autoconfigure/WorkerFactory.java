package dev.tasksupervisor.autoconfigure;

import java.lang.reflect.Method;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.StringValueResolver;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lock.WorkerLock;
import dev.tasksupervisor.lock.WorkerLockGuards;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.FailureBackoff;
import dev.tasksupervisor.schedule.CronSchedule;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerErrorHandler;
import dev.tasksupervisor.worker.WorkerKind;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Builds the workers found at start-up from their {@link ResolvedSettings}: infers each method's kind,
 * applies the settings (the engine validates them), and checks what would make a worker fail later
 * (names, kinds, signatures, settings of another kind, aloops, locks). Every problem is a
 * {@link SupervisorConfigurationException} naming the method, bean or property.
 *
 * <p>Why one long class: the checks read each other's results (a kind decides which settings apply, a
 * setting's origin names the culprit of a clash), and the messages must stay consistent; most of its length
 * is those messages.
 */
final class WorkerFactory {

    private static final Logger log = LoggerFactory.getLogger(WorkerFactory.class);
    private static final String PROPERTY = "supervisor.workers.";

    private final TaskSupervisor supervisor;
    /** By {@link #relaxed} name. */
    private final Map<String, Configured> overrides;
    private final StringValueResolver resolver;
    /** ShedLock's run guards and the dead-letter handlers. */
    private final WorkerBeans beans;
    /** What {@link #build} built, by declaration; a null value for a disabled worker. Guarded by {@code this}. */
    private final Map<DeclarationKey, BuiltWorker> built = new HashMap<>();

    WorkerFactory(TaskSupervisor supervisor, Map<String, SupervisorProperties.WorkerSettings> overrides,
            StringValueResolver resolver, WorkerBeans beans) {
        this.supervisor = supervisor;
        this.overrides = new LinkedHashMap<>();
        overrides.forEach((key, settings) -> this.overrides.put(relaxed(key), new Configured(key, settings)));
        this.resolver = resolver;
        this.beans = beans;
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

    /**
     * Builds a worker for every declaration that is not disabled, reusing those {@link #build} built
     * already (for their beans, injected before the context started), and checks them together.
     *
     * @throws SupervisorConfigurationException for the first problem found
     */
    List<BuiltWorker> create(List<WorkerDeclaration> declarations) {
        Map<String, WorkerDeclaration> byName = new LinkedHashMap<>();
        List<BuiltWorker> built = new ArrayList<>();
        for (WorkerDeclaration declaration : declarations) {
            if (!declaration.isMethod() && builtFromMethod(declaration.worker())) {
                continue; // the bean of a @Worker method's worker, which the post-processor saw too
            }
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
            BuiltWorker worker = build(declaration, name);
            if (worker != null) {
                built.add(worker);
            }
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

    /**
     * The worker of one declaration, built once: the bean of a {@code @Worker} method may be created
     * before the context starts, and {@link #create} later finds the same worker. Null when disabled.
     */
    synchronized BuiltWorker build(WorkerDeclaration declaration, String name) {
        DeclarationKey key = new DeclarationKey(declaration.beanName(), declaration.isMethod() ? declaration.method() : null);
        if (built.containsKey(key)) {
            return built.get(key);
        }
        Configured override = overrides.get(relaxed(name));
        BuiltWorker worker = null;
        String cronOff = ResolvedSettings.disabledByCron(declaration, override == null ? null : override.settings(),
                override == null ? name : override.key(), resolver);
        if (override != null && !override.settings().isEnabled()) {
            log.info("Worker '{}' ({}) is disabled by {}{}.enabled", name, declaration.describe(), PROPERTY,
                    override.key());
        } else if (cronOff != null) {
            log.info("Worker '{}' ({}) is disabled by its cron \"{}\": {}", name, declaration.describe(),
                    Worker.CRON_DISABLED, cronOff);
        } else {
            ResolvedSettings settings = ResolvedSettings.resolve(declaration, name,
                    override == null ? null : override.key(), override == null ? null : override.settings(), resolver);
            worker = new BuiltWorker(declaration.isMethod() ? fromMethod(declaration, name, settings)
                    : fromBean(declaration, name, settings), settings.autoStart, declaration);
        }
        built.put(key, worker); // null too: disabled once, disabled for good
        return worker;
    }

    private synchronized boolean builtFromMethod(BackgroundWorker worker) {
        return built.values().stream().anyMatch(b -> b != null && b.worker() == worker && b.declaration().isMethod());
    }

    /** A declaration's identity across the bean post-processor and the worker beans: its bean, its method. */
    private record DeclarationKey(String beanName, Method method) {
    }

    /** The {@code supervisor.workers.<name>.*} settings under any relaxed spelling of the name; null if none. */
    static SupervisorProperties.WorkerSettings settingsOf(Map<String, SupervisorProperties.WorkerSettings> overrides,
            String name) {
        return name == null ? null : overrides.entrySet().stream().filter(e -> relaxed(e.getKey()).equals(relaxed(name)))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** The worker's name: {@code @Worker(name)}, else the method's name, or the name a worker bean was built with. */
    String name(WorkerDeclaration declaration) {
        Worker annotation = declaration.annotation();
        String named = annotation == null ? ""
                : ResolvedSettings.resolve(declaration, resolver, "name", annotation.name()).trim();
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

    // ------------------------------------------------------------------ building

    private BackgroundWorker fromMethod(WorkerDeclaration declaration, String name, ResolvedSettings settings) {
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
            case QUEUE -> queueWorker(name, method, settings);
            case PLAIN, ASYNC -> new ContinuousWorker(supervisor, name, noInput);
        };
        apply(worker, settings, declaration);
        return worker;
    }

    private QueueWorker<Object> queueWorker(String name, WorkerMethod method, ResolvedSettings s) {
        if (s.durable != null) {
            return durableWorker(name, method, s);
        }
        try {
            return new MethodQueueWorker(supervisor, name, method, s.batchSize == null ? 0 : s.batchSize.value());
        } catch (InvalidSettingException e) {
            throw InvalidSettings.of(e, s.batchSize.origin(), "a batch size of 0 hands the method one item at a time");
        }
    }

    /**
     * The durable queue worker of a method: not with what only an in-memory queue has (a capacity, batches) nor
     * with an async method (a durable item is settled by the thread that ran it).
     */
    private MethodDurableQueueWorker durableWorker(String name, WorkerMethod method, ResolvedSettings s) {
        String origin = s.durable.origin();
        for (ResolvedSettings.Setting<Integer> inMemoryOnly : Arrays.asList(s.queueCapacity, s.batchSize)) {
            if (inMemoryOnly != null && inMemoryOnly.value() != 0) {
                throw new SupervisorConfigurationException(inMemoryOnly.origin() + " is set, but " + origin
                        + " keeps the items of worker '" + name + "' in the database, which has no capacity to set and "
                        + "hands out one item per run.",
                        "Remove the setting, or keep the worker in memory (without durable).");
            }
        }
        if (method.isAsync()) {
            throw new SupervisorConfigurationException(origin + " makes worker '" + name + "' durable, but its method "
                    + method + " returns a CompletionStage: a durable item is settled in the database by the thread "
                    + "that ran it.", "Return void or boolean from the method, or keep the worker in memory.");
        }
        MethodDurableQueueWorker worker = new MethodDurableQueueWorker(supervisor, name, method,
                beans.queueStore(name, origin), beans.payloadCodec(method, name));
        set(s.lease, worker::setLease, null);
        set(s.claimSize, worker::setClaimSize, null);
        if (s.transactional != null) {
            worker.setTransactional(s.transactional.value());
        }
        return worker;
    }

    private BackgroundWorker fromBean(WorkerDeclaration declaration, String name, ResolvedSettings settings) {
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

    private static void checkApplies(ResolvedSettings s, String name, WorkerDeclaration declaration, WorkerKind kind,
            boolean async) {
        if (kind != WorkerKind.INTERVAL) {
            notFor(s.cron, name, declaration, kind, "interval workers");
            notFor(s.zone, name, declaration, kind, "interval workers");
            notFor(s.misfire, name, declaration, kind, "interval workers");
            notFor(s.interval, name, declaration, kind, "interval workers");
            notFor(s.delay, name, declaration, kind, "interval workers");
            notFor(s.initialDelay, name, declaration, kind, "interval workers");
        }
        if (kind != WorkerKind.QUEUE) {
            for (ResolvedSettings.Setting<?> queueOnly : Arrays.asList(s.queueCapacity, s.queueSizeWarning, s.batchSize, s.retryMaxRetries,
                    s.retryDelay, s.retryMultiplier, s.retryMaxDelay, s.retryJitter, s.retryIncludes, s.retryExcludes,
                    s.deadLetterHandler, s.deadLetterCapacity, s.undeliveredHandler, s.durable)) {
                notFor(queueOnly, name, declaration, kind, "queue workers");
            }
        }
        if (s.durable == null) {
            for (ResolvedSettings.Setting<?> durableOnly : Arrays.asList(s.lease, s.claimSize, s.transactional)) {
                notFor(durableOnly, name, declaration, kind, "durable queue workers (durable = true)");
            }
        }
        if (!async) {
            notFor(s.aloop, name, declaration, kind, "async workers (their method returns a CompletionStage)");
        }
        if (kind == WorkerKind.QUEUE) {
            for (ResolvedSettings.Setting<?> backoff : Arrays.asList(s.backoffInitial, s.backoffMultiplier, s.backoffMax)) {
                notFor(backoff, name, declaration, kind, "workers without a queue (a queue worker retries each failed "
                        + "item by its retry.* settings instead)");
            }
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

    private static void notFor(ResolvedSettings.Setting<?> setting, String name, WorkerDeclaration declaration, WorkerKind kind,
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

    /** Applies the settings; the engine validates each, and a value it refuses fails naming its origin. */
    private void apply(BackgroundWorker worker, ResolvedSettings s, WorkerDeclaration declaration) {
        if (worker instanceof IntervalWorker interval) {
            if (s.cron != null) {
                interval.setSchedule(cronSchedule(s, interval.getName()));
            } else if (s.zone != null) {
                throw new SupervisorConfigurationException(s.zone.origin() + " is set, but worker '" + interval.getName()
                        + "' has no cron expression: a zone is what a cron expression is read in.",
                        "Remove the zone, or give the worker a cron expression (@Worker(cron = \"...\") or " + PROPERTY
                                + interval.getName() + ".cron).");
            }
            set(s.misfire, interval::setMisfirePolicy, null);
            set(s.interval, interval::setInterval, null);
            set(s.delay, interval::setDelay, null);
            set(s.initialDelay, interval::setInitialDelay, null);
            if (declaration.isMethod()) {
                checkSchedule(interval, s, declaration);
            }
        }
        if (worker instanceof QueueWorker<?> queue) {
            set(s.queueCapacity, queue::setCapacity, "a capacity of 0 leaves the queue unbounded");
            set(s.queueSizeWarning, queue::setQueueSizeWarning, "0 turns the warning off");
            QueueFailures.apply(queue, s, beans);
        }
        set(s.pollDelay, worker::setPollDelay, null);
        set(s.runTimeout, worker::setRunTimeout, null);
        WorkerErrorHandler errorHandler = beans.handler(WorkerErrorHandler.class, s.errorHandler, worker.getName(),
                "error handler");
        if (errorHandler != null && (s.errorHandler != null || declaration.isMethod())) {
            // A shared bean leaves a worker bean alone: it may have set its own handler in code.
            worker.setErrorHandler(errorHandler);
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
        backoff(worker, s);
    }

    /** The failure backoff from its three properties, each unset one kept from the worker's. */
    private static void backoff(BackgroundWorker worker, ResolvedSettings s) {
        if (s.backoffInitial == null && s.backoffMultiplier == null && s.backoffMax == null) {
            return;
        }
        FailureBackoff current = worker.getFailureBackoff();
        try {
            worker.setFailureBackoff(new FailureBackoff(
                    s.backoffInitial != null ? s.backoffInitial.value() : current.initial(),
                    s.backoffMultiplier != null ? s.backoffMultiplier.value() : current.multiplier(),
                    s.backoffMax != null ? s.backoffMax.value() : current.max()));
        } catch (InvalidSettingException e) {
            ResolvedSettings.Setting<?> named = switch (e.setting()) {
                case "backoff multiplier" -> s.backoffMultiplier;
                case "backoff max" -> s.backoffMax;
                default -> s.backoffInitial;
            };
            // "initial above max" names initial, which may be the default: then it is the max that was set.
            ResolvedSettings.Setting<?> culprit = named != null ? named
                    : s.backoffMax != null ? s.backoffMax : s.backoffInitial != null ? s.backoffInitial : s.backoffMultiplier;
            throw InvalidSettings.of(e, culprit.origin(), "0 runs again at once");
        }
    }

    /** Applies {@code setting} if given; a value the engine refuses fails naming its origin. */
    static <T> void set(ResolvedSettings.Setting<T> setting, Consumer<T> setter, String zeroMeans) {
        if (setting == null) {
            return;
        }
        try {
            setter.accept(setting.value());
        } catch (InvalidSettingException e) {
            throw InvalidSettings.of(e, setting.origin(), zeroMeans);
        }
    }

    /** The worker's cron schedule, parsed by Spring's {@code CronExpression}: a bad one fails naming its origin. */
    private static CronSchedule cronSchedule(ResolvedSettings s, String name) {
        ZoneId zone = ZoneId.systemDefault();
        if (s.zone != null) {
            try {
                zone = ZoneId.of(s.zone.value());
            } catch (DateTimeException e) {
                throw new SupervisorConfigurationException(s.zone.origin() + " is not a time zone: " + e.getMessage()
                        + ".", "Use a region ID such as Europe/Paris or America/New_York, or an offset such as UTC "
                        + "or +02:00.", e);
            }
        }
        try {
            return CronSchedule.of(s.cron.value(), zone);
        } catch (IllegalArgumentException e) {
            throw new SupervisorConfigurationException(s.cron.origin() + " is not a cron expression: " + e.getMessage()
                    + ".", "Use Spring's cron syntax, six fields: second minute hour day-of-month month day-of-week, "
                    + "such as \"0 */5 * * * *\" (every five minutes) or \"0 0 2 * * MON-FRI\", or a macro: @hourly, "
                    + "@daily, @weekly, @monthly, @yearly; \"-\" turns the worker off. For a fixed rate, set interval "
                    + "instead (" + PROPERTY + name + ".interval).", e);
        }
    }

    /**
     * A method's interval worker needs exactly one of interval and delay, from the annotation or, replacing
     * its whole schedule, from the properties: as the engine checks it at start, now.
     */
    private static void checkSchedule(IntervalWorker interval, ResolvedSettings s, WorkerDeclaration declaration) {
        ResolvedSettings.Setting<Duration> other = s.interval != null ? s.interval : s.delay;
        if (s.cron != null && other != null) {
            throw new SupervisorConfigurationException(s.cron.origin() + " and " + other.origin() + " are both set.",
                    "Keep one: cron for runs at times of day, interval for runs at a fixed rate, delay for a pause "
                            + "after each run.");
        }
        try {
            interval.checkSettings();
        } catch (InvalidSettingException e) {
            if (e.rule() == InvalidSettingException.Rule.NOT_BOTH && s.interval.origin().startsWith("@")) {
                throw new SupervisorConfigurationException("@Worker on " + declaration.describe() + " sets both interval ("
                        + e.value() + ") and delay (" + e.otherValue() + ").",
                        "Keep interval for runs at a fixed rate, or delay for a pause after each run; not both.", e);
            }
            if (e.rule() == InvalidSettingException.Rule.NOT_BOTH) {
                String prefix = s.interval.origin().substring(0, s.interval.origin().length() - "interval".length());
                throw new SupervisorConfigurationException(prefix + "interval (" + e.value() + ") and " + prefix
                        + "delay (" + e.otherValue() + ") are both set.", "Keep " + prefix + "interval for runs at a "
                        + "fixed rate, or " + prefix + "delay for a pause after each run; not both.", e);
            }
            // Neither: the annotation named one, but its placeholder resolved to nothing.
            Worker a = declaration.annotation();
            String attribute = !a.cron().isEmpty() ? "cron" : a.interval().isEmpty() ? "delay" : "interval";
            String raw = switch (attribute) {
                case "cron" -> a.cron();
                case "delay" -> a.delay();
                default -> a.interval();
            };
            String name = interval.getName();
            throw new SupervisorConfigurationException(ResolvedSettings.origin(declaration, attribute, raw)
                    + " resolved to nothing, and none of " + PROPERTY + name + ".cron, .interval or .delay is set: the "
                    + "interval worker has no schedule.",
                    "Give the placeholder a default, as in ${name:10s}, define the property it names, or set "
                            + PROPERTY + name + ".cron (or .interval, .delay).", e);
        }
    }

    /** Makes each run take the worker's lock, through ShedLock, which must be there. */
    private void lock(BackgroundWorker worker, ResolvedSettings s) {
        WorkerLockGuards guards = beans.lockGuards();
        if (guards == null) {
            throw new SupervisorConfigurationException(s.lock.origin() + " asks worker '" + worker.getName()
                    + "' to take lock '" + s.lock.value() + "' before each run, but ShedLock is not on the class path.",
                    "Add net.javacrumbs.shedlock:shedlock-core with a provider for a store every instance shares, such "
                            + "as net.javacrumbs.shedlock:shedlock-provider-jdbc-template, and define a LockProvider bean "
                            + "(e.g. a JdbcTemplateLockProvider); or remove the lock.");
        }
        WorkerLock lock = workerLock(worker.getName(), s);
        if (worker.getRunGuard() != null) {
            throw new SupervisorConfigurationException(s.lock.origin() + " asks worker '" + worker.getName()
                    + "' to take lock '" + lock.name() + "', but the worker bean already has a run guard ("
                    + worker.getRunGuard().describe() + ").",
                    "Keep one of them: remove the lock setting, or do not set a run guard on the bean.");
        }
        worker.setRunGuard(guards.guardFor(worker.getName(), lock));
    }

    /** The lock of the settings; one the lock refuses fails naming its origin. */
    private static WorkerLock workerLock(String worker, ResolvedSettings s) {
        Duration atMostFor = s.lockAtMostFor != null ? s.lockAtMostFor.value() : WorkerLock.DEFAULT_AT_MOST_FOR;
        try {
            return new WorkerLock(s.lock.value(), atMostFor,
                    s.lockAtLeastFor != null ? s.lockAtLeastFor.value() : Duration.ZERO);
        } catch (InvalidSettingException e) {
            if (e.rule() == InvalidSettingException.Rule.NOT_ABOVE) {
                String most = s.lockAtMostFor != null ? s.lockAtMostFor.origin()
                        : "the default lockAtMostFor (" + WorkerLock.DEFAULT_AT_MOST_FOR_TEXT + ")";
                throw new SupervisorConfigurationException(s.lockAtLeastFor.origin() + " is " + s.lockAtLeastFor.value()
                        + ", longer than " + most + ", " + atMostFor + ", for lock '" + s.lock.value() + "' of worker '"
                        + worker + "'.",
                        "Hold the lock at least for no longer than at most: lower lockAtLeastFor or raise lockAtMostFor.", e);
            }
            throw InvalidSettings.of(e, e.setting().equals("atMostFor") ? s.lockAtMostFor.origin()
                    : s.lockAtLeastFor.origin());
        }
    }

    /** An async worker must find its aloop when it starts: check now, so start-up fails instead. */
    private void requireAloop(BackgroundWorker worker, ResolvedSettings s, WorkerDeclaration declaration) {
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
