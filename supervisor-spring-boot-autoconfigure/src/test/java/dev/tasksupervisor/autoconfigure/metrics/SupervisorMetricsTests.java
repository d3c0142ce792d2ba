package dev.tasksupervisor.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.autoconfigure.health.OverdueWorkers;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.MovableClock;
import dev.tasksupervisor.testsupport.SchedulerProbe;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.RetryPolicy;
import dev.tasksupervisor.worker.WorkerListener;
import dev.tasksupervisor.worker.WorkerStart;
import dev.tasksupervisor.worker.WorkerTarget;

class SupervisorMetricsTests {

    private final TaskSupervisor supervisor = new TaskSupervisor("metrics-" + UUID.randomUUID().toString().substring(0, 8));
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final SupervisorMetrics metrics = new SupervisorMetrics(supervisor);

    SupervisorMetricsTests() {
        supervisor.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(4).build());
        supervisor.start();
    }

    @AfterEach
    void stop() {
        metrics.close();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    @Test
    void poolMetersLineUpWithMicrometersOwnExecutorMeters() throws Exception {
        metrics.bindTo(registry);
        MeterRegistry reference = new SimpleMeterRegistry();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        try {
            new ExecutorServiceMetrics(executor, "reference", List.of()).bindTo(reference);
            Map<String, Meter> theirs = executorMeters(reference);
            Map<String, Meter> ours = executorMeters(registry);
            theirs.remove("executor.queue.remaining"); // the pool's queue is unbounded
            assertThat(ours.keySet()).containsExactlyInAnyOrderElementsOf(theirs.keySet());
            ours.forEach((name, meter) -> {
                Meter.Id their = theirs.get(name).getId();
                assertThat(meter.getId().getType()).as(name).isEqualTo(their.getType());
                assertThat(meter.getId().getBaseUnit()).as(name).isEqualTo(their.getBaseUnit());
                assertThat(meter.getId().getDescription()).as(name).isEqualTo(their.getDescription());
                assertThat(meter.getId().getTags()).as(name).extracting(tag -> tag.getKey()).containsExactly("name");
                assertThat(meter.getId().getTag("name")).isEqualTo("supervisor");
            });
        } finally {
            executor.shutdown();
        }
    }

    private static Map<String, Meter> executorMeters(MeterRegistry registry) {
        return registry.getMeters().stream().filter(meter -> meter.getId().getName().startsWith("executor."))
                .filter(meter -> !meter.getId().getName().equals("executor") && !meter.getId().getName().equals("executor.idle"))
                .collect(Collectors.toMap(meter -> meter.getId().getName(), Function.identity()));
    }

    @Test
    void poolMetersReadTheLivePool() throws Exception {
        metrics.bindTo(registry);
        assertThat(gauge("executor.pool.max")).isEqualTo(4);
        assertThat(gauge("executor.pool.core")).isEqualTo(1);
        assertThat(gauge("supervisor.pool.saturated")).isZero();
        double completed = registry.get("executor.completed").functionCounter().count();
        CompletableFuture.allOf(supervisor.spawn(() -> { }), supervisor.spawn(() -> { })).get();
        await().until(() -> registry.get("executor.completed").functionCounter().count() >= completed + 2);
        supervisor.resizePool(2, 6);
        assertThat(gauge("executor.pool.max")).isEqualTo(6);
        assertThat(gauge("executor.pool.core")).isEqualTo(2);
        // The threads a larger minSize asks for start in the background, after the resize returned.
        await().until(() -> gauge("executor.pool.size") >= 2);
    }

    @Test
    void figuresAReplacedExecutorCannotTellAreNaNNotMinusOne() {
        TaskSupervisor replaced = new TaskSupervisor("replaced");
        replaced.setExecutor(new ForkJoinPool(2));
        replaced.start();
        try {
            new SupervisorMetrics(replaced, "replaced").bindTo(registry);
            for (String name : List.of("executor.active", "executor.queued", "executor.pool.size", "executor.pool.core",
                    "executor.pool.max")) {
                assertThat(registry.get(name).tag("name", "replaced").gauge().value()).as(name).isNaN();
            }
            assertThat(registry.get("executor.completed").tag("name", "replaced").functionCounter().count()).isNaN();
            assertThat(registry.get("supervisor.pool.waiting").tag("name", "replaced").gauge().value()).isZero();
            assertThat(registry.get("supervisor.pool.rejected").tag("name", "replaced").functionCounter().count())
                    .isZero();
        } finally {
            replaced.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
        }
    }

    @Test
    void everyRunIsTimedByWorkerKindAndOutcome() {
        metrics.bindTo(registry);
        AtomicInteger calls = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("second run fails");
            }
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        assertThat(runs("refresh", "error").count()).as("registered before the first error").isZero();
        for (int i = 1; i <= 3; i++) {
            worker.triggerNow();
            int expected = i;
            await().until(() -> worker.getRuns() == expected);
        }
        await().until(() -> runs("refresh", "success").count() + runs("refresh", "error").count() == 3);
        assertThat(runs("refresh", "success").count()).isEqualTo(2);
        assertThat(runs("refresh", "error").count()).isEqualTo(1);
        assertThat(runs("refresh", "success").getId().getTag("kind")).isEqualTo("event");
    }

    @Test
    void theLastSuccessIsATimestampGaugeAndAnIntervalWorkerCountsItsMisfires() throws Exception {
        metrics.bindTo(registry);
        CountDownLatch release = new CountDownLatch(1);
        EventWorker event = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> { }));
        IntervalWorker slow = new IntervalWorker(supervisor, "slow", Duration.ofMillis(20),
                WorkerTarget.of(() -> release.await()));
        event.start();
        slow.start();
        TimeGauge lastSuccess = registry.get("supervisor.worker.last.success").tag("worker", "refresh").timeGauge();
        assertThat(lastSuccess.value(TimeUnit.SECONDS)).isNaN();
        long before = System.currentTimeMillis();
        event.trigger();
        await().until(() -> !Double.isNaN(lastSuccess.value(TimeUnit.SECONDS)));
        assertThat(lastSuccess.value(TimeUnit.MILLISECONDS)).isBetween(before - 5.0, System.currentTimeMillis() + 5.0);

        // The first run of 'slow' holds on: the ticks that come meanwhile are misfires.
        FunctionCounter misfires = registry.get("supervisor.worker.misfires").tag("worker", "slow").functionCounter();
        await().until(() -> misfires.count() >= 2);
        release.countDown();
        assertThat(registry.find("supervisor.worker.misfires").tag("worker", "refresh").functionCounter()).isNull();
        supervisor.unregisterScheduler(slow);
        assertThat(registry.find("supervisor.worker.misfires").functionCounters()).isEmpty();
        assertThat(registry.find("supervisor.worker.last.success").tag("worker", "slow").timeGauge()).isNull();
    }

    @Test
    void timeSinceTheLastSuccessOverdueAndAStuckQueueAreGauges() {
        MovableClock clock = new MovableClock(Instant.now());
        try (SupervisorMetrics late = new SupervisorMetrics(supervisor, "supervisor",
                new OverdueWorkers(supervisor, 3, Duration.ofMinutes(5), clock))) {
            late.bindTo(registry);
            IntervalWorker hourly = new IntervalWorker(supervisor, "hourly", Duration.ofHours(1), WorkerTarget.of(() -> { }));
            QueueWorker<String> orders = new QueueWorker<>(supervisor, "orders", WorkerTarget.of(item -> { }));
            EventWorker event = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> { }));
            event.start();
            TimeGauge age = registry.get("supervisor.worker.last.success.age").tag("worker", "refresh").timeGauge();
            assertThat(age.value(TimeUnit.SECONDS)).isNaN();
            assertThat(registry.find("supervisor.worker.overdue").tag("worker", "refresh").gauge()).isNull();
            hourly.start(); // runs at once
            orders.start();
            orders.pause();
            orders.put("A-1");
            await().until(() -> hourly.getLastSuccess() != null);
            Gauge hourlyOverdue = registry.get("supervisor.worker.overdue").tag("worker", "hourly").gauge();
            Gauge ordersOverdue = registry.get("supervisor.worker.overdue").tag("worker", "orders").gauge();
            TimeGauge stuck = registry.get("supervisor.worker.queue.stuck").tag("worker", "orders").timeGauge();
            assertThat(hourlyOverdue.value()).isZero();
            assertThat(ordersOverdue.value()).isZero();
            assertThat(stuck.value(TimeUnit.SECONDS)).isLessThan(1);

            clock.moveBy(Duration.ofHours(4));
            assertThat(registry.get("supervisor.worker.last.success.age").tag("worker", "hourly").timeGauge()
                    .value(TimeUnit.HOURS)).isCloseTo(4, org.assertj.core.api.Assertions.within(0.01));
            assertThat(hourlyOverdue.value()).isEqualTo(1);
            assertThat(stuck.value(TimeUnit.HOURS)).isCloseTo(4, org.assertj.core.api.Assertions.within(0.01));
            assertThat(ordersOverdue.value()).isEqualTo(1);
        }
    }

    @Test
    void metersFollowTheWorkerWhenItIsRenamedAndGoWhenItIsUnregistered() {
        metrics.bindTo(registry);
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "orders", WorkerTarget.of(item -> { }));
        worker.start();
        assertThat(registry.find("supervisor.worker.runs").tag("worker", "orders").timers()).hasSize(2);
        assertThat(registry.find("supervisor.worker.queue.size").tag("worker", "orders").gauge()).isNotNull();
        worker.stop();
        worker.start(WorkerStart.defaults().withName("invoices"));
        assertThat(registry.find("supervisor.worker.runs").tag("worker", "orders").timers()).isEmpty();
        assertThat(registry.find("supervisor.worker.queue.size").tag("worker", "orders").gauge()).isNull();
        assertThat(registry.find("supervisor.worker.runs").tag("worker", "invoices").timers()).hasSize(2);
        supervisor.unregisterScheduler(worker);
        assertThat(registry.find("supervisor.worker.runs").timers()).isEmpty();
        assertThat(registry.find("supervisor.worker.queue.size").gauges()).isEmpty();
    }

    @Test
    void aWorkerTakingTheNameOfOneUnregisteredKeepsItsMetersWhenTheLateUnregistrationArrives() throws Exception {
        // Holds the unregistration of the first worker before the metrics hear of it (listeners are called
        // in the order they were added), so they hear of the second worker's registration first.
        CountDownLatch unregistering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        supervisor.addWorkerListener(new WorkerListener() {
            @Override
            public void unregistered(BackgroundWorker worker) {
                unregistering.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        metrics.bindTo(registry);
        EventWorker first = new EventWorker(supervisor, "sync", WorkerTarget.of(() -> { }));
        first.start();
        first.stop();
        CompletableFuture<Void> unregistration = CompletableFuture.runAsync(() -> supervisor.unregisterScheduler(first));
        assertThat(unregistering.await(10, TimeUnit.SECONDS)).isTrue();
        EventWorker second = new EventWorker(supervisor, "sync", WorkerTarget.of(() -> { }));
        second.start();
        release.countDown();
        unregistration.get(10, TimeUnit.SECONDS);

        assertThat(registry.find("supervisor.worker.runs").tag("worker", "sync").timers()).hasSize(2);
        second.trigger();
        await().until(() -> second.getRuns() == 1);
        await().until(() -> runs("sync", "success").count() == 1);
    }

    @Test
    void workersRegisteredBeforeBindingAreMeasuredToo() {
        EventWorker early = new EventWorker(supervisor, "early", WorkerTarget.of(() -> { }));
        early.start();
        metrics.bindTo(registry);
        early.trigger();
        await().until(() -> runs("early", "success").count() == 1);
    }

    @Test
    void queueSizeIsAGaugeOfTheLiveQueue() throws Exception {
        metrics.bindTo(registry);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "slow", WorkerTarget.of(item -> {
            started.countDown();
            release.await();
        }));
        worker.start();
        worker.put(1);
        started.await();
        worker.put(2);
        worker.put(3);
        assertThat(registry.get("supervisor.worker.queue.size").tag("worker", "slow").gauge().value()).isEqualTo(2);
        release.countDown();
        await().until(() -> registry.get("supervisor.worker.queue.size").tag("worker", "slow").gauge().value() == 0);
    }

    @Test
    void retriesAndDeadLettersAreCountedPerQueueWorker() {
        metrics.bindTo(registry);
        AtomicInteger runs = new AtomicInteger();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "flaky", WorkerTarget.of(item -> {
            runs.incrementAndGet();
            throw new IllegalStateException("no " + item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(2).delay(Duration.ofMillis(1)).build());
        worker.start();
        worker.put("a");
        await().until(() -> registry.get("supervisor.worker.dead.letters").tag("worker", "flaky").functionCounter()
                .count() == 1);
        assertThat(registry.get("supervisor.worker.retries").tag("worker", "flaky").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("supervisor.worker.retrying").tag("worker", "flaky").gauge().value()).isZero();
        assertThat(registry.get("supervisor.worker.dead.letters.kept").tag("worker", "flaky").gauge().value()).isEqualTo(1);
        worker.takeDeadLetters();
        assertThat(registry.get("supervisor.worker.dead.letters.kept").tag("worker", "flaky").gauge().value()).isZero();
        assertThat(registry.get("supervisor.worker.dead.letters").tag("worker", "flaky").functionCounter().count())
                .isEqualTo(1);
        supervisor.unregisterScheduler(worker);
        assertThat(registry.find("supervisor.worker.retries").meters()).isEmpty();
        assertThat(registry.find("supervisor.worker.dead.letters.kept").meters()).isEmpty();
    }

    @Test
    void aPausedQueueWorkerShowsInItsGauge() {
        metrics.bindTo(registry);
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "held", WorkerTarget.of(item -> { }));
        worker.start();
        assertThat(registry.get("supervisor.worker.paused").tag("worker", "held").gauge().value()).isZero();
        worker.pause();
        assertThat(registry.get("supervisor.worker.paused").tag("worker", "held").gauge().value()).isEqualTo(1);
        worker.resume();
        assertThat(registry.get("supervisor.worker.paused").tag("worker", "held").gauge().value()).isZero();
        supervisor.unregisterScheduler(worker);
        assertThat(registry.find("supervisor.worker.paused").meters()).isEmpty();
    }

    @Test
    void aloopPendingWorkIsAGauge() {
        Aloop loop = supervisor.createAloop("io", true, true, true);
        metrics.bindTo(registry);
        CompletableFuture<Void> never = new CompletableFuture<>();
        loop.spawn(() -> never);
        assertThat(registry.get("supervisor.aloop.pending").tag("aloop", "io").gauge().value()).isEqualTo(1);
        never.complete(null);
        await().until(() -> registry.get("supervisor.aloop.pending").tag("aloop", "io").gauge().value() == 0);
    }

    @Test
    void closingStopsFollowingTheWorkers() {
        metrics.bindTo(registry);
        assertThat(SchedulerProbe.listenerOf(supervisor)).isNotNull();
        metrics.close();
        assertThat(SchedulerProbe.listenerOf(supervisor)).isNull();
        new EventWorker(supervisor, "late", WorkerTarget.of(() -> { })).start();
        assertThat(registry.find("supervisor.worker.runs").tag("worker", "late").timers()).isEmpty();
    }

    private double gauge(String name) {
        return registry.get(name).tag("name", "supervisor").gauge().value();
    }

    private Timer runs(String worker, String outcome) {
        return registry.get("supervisor.worker.runs").tag("worker", worker).tag("outcome", outcome).timer();
    }
}
