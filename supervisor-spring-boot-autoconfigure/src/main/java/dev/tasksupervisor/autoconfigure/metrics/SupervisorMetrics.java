package dev.tasksupervisor.autoconfigure.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.autoconfigure.health.OverdueWorkers;
import dev.tasksupervisor.pool.PoolInfo;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerListener;

/**
 * Binds a task supervisor to Micrometer. Spring Boot binds only its own executors, so the pool is bound
 * here under the names Micrometer's {@code ExecutorServiceMetrics} gives a {@code ThreadPoolExecutor}
 * ({@code executor.active}, {@code executor.queued}, {@code executor.pool.size}, {@code executor.pool.core},
 * {@code executor.pool.max}, {@code executor.completed}, tag {@code name}), so existing executor dashboards
 * show it; the pool's queue is unbounded, so there is no {@code executor.queue.remaining}. Beside them:
 * {@code supervisor.pool.*} for what only the supervisor has, a timer {@code supervisor.worker.runs} per
 * worker (tags {@code worker}, {@code kind}, {@code outcome}: {@code success}, {@code error}, and
 * {@code skipped} for a run its lock refused, timed from asking to refusal), per queue worker a gauge
 * {@code supervisor.worker.queue.size}, counters {@code supervisor.worker.retries} (failed items sent back for
 * another run) and {@code supervisor.worker.dead.letters} (items given up on) and gauges
 * {@code supervisor.worker.retrying} (items waiting for their retry), {@code supervisor.worker.dead.letters.kept}
 * and {@code supervisor.worker.paused} (1 while paused), and {@code supervisor.aloop.pending} per aloop. Per
 * worker {@code supervisor.worker.last.success} and {@code supervisor.worker.last.success.age}; per interval and
 * queue worker {@code supervisor.worker.overdue} (1 while {@link OverdueWorkers overdue} or stale), per queue
 * worker {@code supervisor.worker.queue.stuck} (how long it has held items without ending a run).
 *
 * <p>Worker meters follow the supervisor's registry through a {@link WorkerListener}: a worker's meters
 * appear when it is registered and are removed when it is unregistered (or renamed). Aloop gauges are
 * added for the aloops there are when binding and whenever a worker registers. {@link #close()} stops
 * listening. Every meter reads the supervisor's figures; none resets any.
 */
public class SupervisorMetrics implements MeterBinder, AutoCloseable {

    /** The {@code name} tag of the pool's meters unless another is given. */
    public static final String DEFAULT_NAME = "supervisor";

    private final TaskSupervisor supervisor;
    private final String name;
    private final OverdueWorkers overdue;
    /** One per registry bound to; added under {@code this}, iterated on every run without a lock. */
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();
    private final WorkerListener listener = new Listener();

    /** Meters for {@code supervisor}, its pool tagged {@code name=supervisor}. */
    public SupervisorMetrics(TaskSupervisor supervisor) {
        this(supervisor, DEFAULT_NAME);
    }

    /** Meters for {@code supervisor}, its pool tagged {@code name=<name>}; overdue by the default rule. */
    public SupervisorMetrics(TaskSupervisor supervisor, String name) {
        this(supervisor, name, new OverdueWorkers(supervisor, OverdueWorkers.DEFAULT_PERIODS, null));
    }

    /** Meters for {@code supervisor}, its pool tagged {@code name=<name>}, workers overdue as {@code overdue} says. */
    public SupervisorMetrics(TaskSupervisor supervisor, String name, OverdueWorkers overdue) {
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        this.name = Objects.requireNonNull(name, "name");
        this.overdue = Objects.requireNonNull(overdue, "overdue");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bindPool(registry, Tags.of("name", name));
        Binding binding = new Binding(registry);
        synchronized (this) {
            if (bindings.isEmpty()) {
                supervisor.addWorkerListener(listener);
            }
            bindings.add(binding);
        }
        // After adding the listener: a worker registered from now on is announced, any earlier one is listed.
        binding.bindAll();
    }

    /** Stops following the supervisor's workers; the meters already registered stay. */
    @Override
    public synchronized void close() {
        supervisor.removeWorkerListener(listener);
        bindings.clear();
    }

    private void bindPool(MeterRegistry registry, Tags tags) {
        // Names, descriptions and units as Micrometer's ExecutorServiceMetrics, so that they line up.
        FunctionCounter.builder("executor.completed", supervisor, s -> figure(s, PoolInfo::completed)).tags(tags)
                .description("The approximate total number of tasks that have completed execution")
                .baseUnit(BaseUnits.TASKS).register(registry);
        gauge(registry, tags, "executor.active", "The approximate number of threads that are actively executing tasks",
                BaseUnits.THREADS, PoolInfo::active);
        gauge(registry, tags, "executor.queued", "The approximate number of tasks that are queued for execution",
                BaseUnits.TASKS, PoolInfo::queued);
        gauge(registry, tags, "executor.pool.size", "The current number of threads in the pool", BaseUnits.THREADS,
                PoolInfo::currentSize);
        gauge(registry, tags, "executor.pool.core", "The core number of threads for the pool", BaseUnits.THREADS,
                PoolInfo::minSize);
        gauge(registry, tags, "executor.pool.max", "The maximum allowed number of threads in the pool",
                BaseUnits.THREADS, PoolInfo::maxSize);
        gauge(registry, tags, "supervisor.pool.waiting", "Tasks held back by the pool's priority limits",
                BaseUnits.TASKS, PoolInfo::waiting);
        gauge(registry, tags, "supervisor.pool.saturated", "1 while the pool's health check finds it saturated, else 0",
                null, pool -> pool.saturated() ? 1 : 0);
        FunctionCounter.builder("supervisor.pool.rejected", supervisor, s -> figure(s, PoolInfo::rejected)).tags(tags)
                .description("Tasks the pool refused because it was stopped").baseUnit(BaseUnits.TASKS)
                .register(registry);
        TimeGauge.builder("supervisor.pool.check.latency", supervisor, TimeUnit.NANOSECONDS,
                        s -> figure(s, pool -> pool.lastCheckLatency() == null ? Double.NaN
                                : pool.lastCheckLatency().toNanos()))
                .tags(tags).description("How long the pool's last health probe waited for a thread")
                .register(registry);
    }

    private void gauge(MeterRegistry registry, Tags tags, String name, String description, String unit,
            ToDoubleFunction<PoolInfo> figure) {
        Gauge.builder(name, supervisor, s -> figure(s, figure)).tags(tags).description(description).baseUnit(unit)
                .register(registry);
    }

    /**
     * A pool figure; NaN while the supervisor has no pool, and for what a replaced executor (not a
     * {@code ThreadPoolExecutor}) cannot tell, which {@link PoolInfo} gives as -1: a -1 would read as a
     * real value and drag sums and rates down.
     */
    private static double figure(TaskSupervisor supervisor, ToDoubleFunction<PoolInfo> figure) {
        PoolInfo pool = supervisor.poolInfo();
        if (pool == null) {
            return Double.NaN;
        }
        double value = figure.applyAsDouble(pool);
        return value < 0 ? Double.NaN : value;
    }

    /** The meters bound to one registry. */
    private final class Binding {

        private final MeterRegistry registry;
        /** Written under {@code this}; read on every run without a lock. */
        private final Map<BackgroundWorker, WorkerMeters> workers = new ConcurrentHashMap<>();
        /**
         * Which worker holds the meters of each name; guarded by {@code this}. Micrometer hands back the
         * meter already registered under an id, and a worker's meter ids are its name and kind: two workers
         * of one name must never both hold meters, or the first one's removal detaches the second one's.
         */
        private final Map<String, BackgroundWorker> owners = new HashMap<>();
        /** Guarded by {@code this}. */
        private final Map<String, Meter> aloops = new HashMap<>();

        Binding(MeterRegistry registry) {
            this.registry = registry;
        }

        synchronized void bindAll() {
            for (BackgroundWorker worker : supervisor.getWorkers()) {
                follow(worker);
            }
            bindNewAloops();
        }

        /**
         * Brings the worker's meters in line with the supervisor's registry, whatever the event was: events
         * of one worker from several threads may arrive out of order, the registry is the truth. A worker
         * unregistered and another registered under its name may be heard of in either order: the meters of
         * a name go to the worker the registry lists under it, and a late event of the other touches only
         * meters it still holds itself.
         */
        synchronized void follow(BackgroundWorker worker) {
            String current = worker.getName();
            boolean registered = supervisor.findWorker(current).orElse(null) == worker;
            WorkerMeters meters = workers.get(worker);
            if (meters != null && (!registered || !meters.name.equals(current))) {
                drop(worker, meters);
                meters = null;
            }
            if (registered && meters == null) {
                BackgroundWorker previous = owners.get(current);
                if (previous != null) {
                    // Its unregistration (or rename) is not heard of yet: its meters are the ones Micrometer
                    // would hand back, so they go first and this worker gets meters of its own.
                    drop(previous, workers.get(previous));
                }
                workers.put(worker, new WorkerMeters(registry, worker, current, overdue));
                owners.put(current, worker);
            }
            bindNewAloops();
        }

        private void drop(BackgroundWorker worker, WorkerMeters meters) {
            workers.remove(worker);
            owners.remove(meters.name, worker);
            meters.removeFrom(registry);
        }

        void record(BackgroundWorker worker, long durationNanos, Throwable failure) {
            WorkerMeters meters = workers.get(worker);
            if (meters != null) {
                (failure == null ? meters.success : meters.error).record(durationNanos, TimeUnit.NANOSECONDS);
            }
        }

        void recordSkip(BackgroundWorker worker, long durationNanos) {
            WorkerMeters meters = workers.get(worker);
            if (meters != null) {
                meters.skipped(registry).record(durationNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void bindNewAloops() {
            for (Aloop aloop : supervisor.getAloops()) {
                // By name, not the Aloop: a stopped aloop may be replaced by a new one of the same name.
                aloops.computeIfAbsent(aloop.getName(), aloopName -> Gauge.builder("supervisor.aloop.pending",
                                supervisor, s -> s.findAloop(aloopName).map(a -> (double) a.getPending())
                                        .orElse(Double.NaN))
                        .tag("aloop", aloopName)
                        .description("Async functions not yet complete plus tasks waiting to run on an aloop")
                        .baseUnit(BaseUnits.TASKS).register(registry));
            }
        }
    }

    /** One worker's meters in one registry, under the name it had when they were made. */
    private static final class WorkerMeters {

        final String name;
        final Timer success;
        final Timer error;
        final String kind;
        /**
         * Made when the worker is registered with a run guard, or at its first skip if the guard came later;
         * a worker that cannot skip has none. Written by skipping threads: any of them may make it, and the
         * registry gives them all the same timer.
         */
        volatile Timer skipped;
        /** The last success of every worker (when, how long ago), and a kind's own: overdue, a queue's size, retries and dead letters, an interval worker's misfires. */
        final List<Meter> stateMeters;

        WorkerMeters(MeterRegistry registry, BackgroundWorker worker, String name, OverdueWorkers overdue) {
            this.name = name;
            kind = worker.getKind().name().toLowerCase(Locale.ROOT);
            // Both outcomes up front: a dashboard shows 0 errors rather than no series.
            success = runs(registry, name, kind, "success");
            error = runs(registry, name, kind, "error");
            skipped = worker.getRunGuard() == null ? null : runs(registry, name, kind, "skipped");
            List<Meter> meters = new ArrayList<>();
            // Seconds since the epoch, as Boot's process.start.time: "time() - this" is how long ago; NaN before any.
            meters.add(TimeGauge.builder("supervisor.worker.last.success", worker, TimeUnit.MILLISECONDS,
                    w -> w.getLastSuccess() == null ? Double.NaN : w.getLastSuccess().toEpochMilli()).tag("worker", name)
                    .description("When the last successful run of a worker ended, since the epoch").register(registry));
            meters.add(TimeGauge.builder("supervisor.worker.last.success.age", worker, TimeUnit.MILLISECONDS,
                    w -> {
                        Duration since = overdue.sinceLastSuccess(w);
                        return since == null ? Double.NaN : since.toMillis();
                    }).tag("worker", name)
                    .description("How long ago the last successful run of a worker ended; NaN before the first")
                    .register(registry));
            if (worker instanceof QueueWorker<?> queue) {
                meters.addAll(queueMeters(registry, queue, name));
                meters.add(TimeGauge.builder("supervisor.worker.queue.stuck", queue, TimeUnit.MILLISECONDS,
                        q -> overdue.stuckFor(q).toMillis()).tag("worker", name)
                        .description("How long a queue worker has held items without ending a run, as probed")
                        .register(registry));
            }
            if (worker instanceof DurableQueueWorker<?> durable) {
                meters.add(Gauge.builder("supervisor.worker.queue.in.flight", durable,
                        DurableQueueWorker::getInFlightCount).tag("worker", name)
                        .description("Items of a durable queue claimed under an unexpired lease, by any instance")
                        .baseUnit("items").register(registry));
                meters.add(TimeGauge.builder("supervisor.worker.queue.oldest.age", durable, TimeUnit.MILLISECONDS,
                        d -> d.getOldestAge().toMillis()).tag("worker", name)
                        .description("How long the oldest item of a durable queue has been stored; 0 when empty")
                        .register(registry));
            }
            if (worker instanceof QueueWorker<?> || worker instanceof IntervalWorker) {
                meters.add(Gauge.builder("supervisor.worker.overdue", worker, w -> overdue.isOverdue(w) ? 1 : 0)
                        .tag("worker", name).description("1 while an interval worker is overdue or a queue worker "
                                + "stale (supervisor.overdue.*), else 0").register(registry));
            }
            if (worker instanceof IntervalWorker interval) {
                meters.add(FunctionCounter.builder("supervisor.worker.misfires", interval, IntervalWorker::getMisfires)
                        .tag("worker", name).description("Times an interval worker missed ticks: a tick during a run, "
                                + "or a timer woken up late").register(registry));
            }
            stateMeters = List.copyOf(meters);
        }

        private static List<Meter> queueMeters(MeterRegistry registry, QueueWorker<?> queue, String name) {
            return List.of(
                    Gauge.builder("supervisor.worker.queue.size", queue, QueueWorker::getQueueSize).tag("worker", name)
                            .description("Items waiting in a queue worker's queue").baseUnit("items").register(registry),
                    FunctionCounter.builder("supervisor.worker.retries", queue, QueueWorker::getRetryCount)
                            .tag("worker", name).description("Failed items a queue worker sent back for another run")
                            .baseUnit("items").register(registry),
                    Gauge.builder("supervisor.worker.retrying", queue, QueueWorker::getRetryingCount).tag("worker", name)
                            .description("Failed items waiting for their retry").baseUnit("items").register(registry),
                    FunctionCounter.builder("supervisor.worker.dead.letters", queue, QueueWorker::getDeadLetterCount)
                            .tag("worker", name).description("Items a queue worker gave up on after their retries")
                            .baseUnit("items").register(registry),
                    Gauge.builder("supervisor.worker.dead.letters.kept", queue, QueueWorker::getDeadLettersKeptCount)
                            .tag("worker", name).description("Dead letters kept until the application takes them")
                            .baseUnit("items").register(registry),
                    Gauge.builder("supervisor.worker.paused", queue, q -> q.isPaused() ? 1 : 0).tag("worker", name)
                            .description("1 while a queue worker is paused, holding its items, else 0")
                            .register(registry));
        }

        private static Timer runs(MeterRegistry registry, String worker, String kind, String outcome) {
            return Timer.builder("supervisor.worker.runs").tags("worker", worker, "kind", kind, "outcome", outcome)
                    .description("Runs of a worker's target").register(registry);
        }

        Timer skipped(MeterRegistry registry) {
            Timer timer = skipped;
            if (timer == null) {
                timer = runs(registry, name, kind, "skipped");
                skipped = timer;
            }
            return timer;
        }

        void removeFrom(MeterRegistry registry) {
            registry.remove(success);
            registry.remove(error);
            Timer timer = skipped;
            if (timer != null) {
                registry.remove(timer);
            }
            for (Meter meter : stateMeters) {
                registry.remove(meter);
            }
        }
    }

    /** Follows the supervisor's workers for every registry bound to. */
    private final class Listener implements WorkerListener {

        @Override
        public void registered(BackgroundWorker worker) {
            for (Binding binding : bindings) {
                binding.follow(worker);
            }
        }

        @Override
        public void unregistered(BackgroundWorker worker) {
            for (Binding binding : bindings) {
                binding.follow(worker);
            }
        }

        @Override
        public void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
            for (Binding binding : bindings) {
                binding.record(worker, durationNanos, failure);
            }
        }

        @Override
        public void runSkipped(BackgroundWorker worker, long durationNanos) {
            for (Binding binding : bindings) {
                binding.recordSkip(worker, durationNanos);
            }
        }
    }
}
