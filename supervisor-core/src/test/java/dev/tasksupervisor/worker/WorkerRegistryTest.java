package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.worker.Scheduler;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.TaskSupervisor;

class WorkerRegistryTest extends WorkerTestSupport {

    @Test
    void startingAWorkerRegistersItForLookUpByName() {
        QueueWorker<String> orders = new QueueWorker<>(supervisor, "orders", WorkerTarget.of(item -> { }));
        AtomicInteger events = new AtomicInteger();
        EventWorker refresh = new EventWorker(supervisor, "refresh", WorkerTarget.of(events::incrementAndGet));
        orders.start();
        refresh.start();
        assertThat(supervisor.getWorker("orders")).isSameAs(orders);
        QueueWorker<String> typed = supervisor.getQueueWorker("orders");
        typed.put("one");
        supervisor.trigger("refresh");
        await().until(() -> events.get() == 1);
        assertThat(supervisor.getWorkers()).containsExactly(orders, refresh);
        assertThatThrownBy(() -> supervisor.trigger("orders")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("QUEUE worker, which has no trigger");
        assertThatThrownBy(() -> supervisor.getQueueWorker("refresh")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a QueueWorker");
        assertThatThrownBy(() -> supervisor.getWorker("missing")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no worker named 'missing'").hasMessageContaining("orders");
    }

    @Test
    void twoWorkersCannotShareAName() {
        new EventWorker(supervisor, "twin", WorkerTarget.of(() -> { })).start();
        EventWorker second = new EventWorker(supervisor, "twin", WorkerTarget.of(() -> { }));
        assertThatThrownBy(second::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a worker named 'twin'");
        assertThat(second.getState()).isEqualTo(WorkerState.NEW);
    }

    @Test
    void startingBeforeTheSupervisorIsAClearError() {
        TaskSupervisor idle = new TaskSupervisor(SupervisorThreads.uniqueId("idle"));
        EventWorker worker = new EventWorker(idle, "early", WorkerTarget.of(() -> { }));
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start the supervisor first");
    }

    @Test
    void supervisorStopStopsEveryWorkerAndCustomScheduler() {
        List<String> stopped = new CopyOnWriteArrayList<>();
        Scheduler own = new Scheduler() {
            @Override
            public String getName() {
                return "own";
            }

            @Override
            public void requestStop() {
                stopped.add("own");
            }
        };
        supervisor.registerScheduler(own);
        ContinuousWorker plain = new ContinuousWorker(supervisor, "plain", WorkerTarget.of(() -> busyFor(Duration.ofMillis(1))));
        IntervalWorker interval = new IntervalWorker(supervisor, "interval", Duration.ofMillis(5), WorkerTarget.of(() -> { }));
        plain.start();
        interval.start();
        supervisor.stop();
        assertThat(stopped).containsExactly("own");
        assertThat(plain.isStopped()).isTrue();
        assertThat(interval.isStopped()).isTrue();
        await().until(() -> SupervisorThreads.of(id).isEmpty());
    }

    @Test
    void unregisteredSchedulersAreNotStopped() {
        List<String> stopped = new CopyOnWriteArrayList<>();
        Scheduler own = new Scheduler() {
            @Override
            public String getName() {
                return "mine";
            }

            @Override
            public void requestStop() {
                stopped.add("mine");
            }
        };
        supervisor.registerScheduler(own);
        supervisor.unregisterScheduler(own);
        supervisor.stop();
        assertThat(stopped).isEmpty();
    }

    @Test
    void lifecycleHooksRunAroundStartAndStopAndRestartWorks() {
        List<String> calls = new CopyOnWriteArrayList<>();
        EventWorker worker = new EventWorker(supervisor, "hooked", false) {
            @Override
            protected Object run(WorkerContext context) {
                calls.add("run");
                return null;
            }

            @Override
            protected void beforeStart() {
                calls.add("beforeStart");
            }

            @Override
            protected void afterStart() {
                calls.add("afterStart");
            }

            @Override
            protected void beforeStop() {
                calls.add("beforeStop");
            }

            @Override
            protected void afterStop() {
                calls.add("afterStop");
            }
        };
        assertThat(worker.isStarted()).isFalse();
        worker.start();
        assertThat(worker.isStarted()).isTrue();
        worker.trigger();
        await().until(() -> worker.getRuns() == 1);
        worker.restart();
        assertThat(worker.isActive()).isTrue();
        worker.stop();
        assertThat(calls).containsExactly("beforeStart", "afterStart", "run", "beforeStop", "afterStop",
                "beforeStart", "afterStart", "beforeStop", "afterStop");
        assertThat(worker.isStopped()).isTrue();
    }

    @Test
    void infoListsEveryWorkerWithItsCounters() {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "counted", (item, ctx) -> {
            if (item < 0) {
                throw new IllegalArgumentException("negative");
            }
            return null;
        });
        worker.setErrorHandler((w, e) -> { });
        worker.start();
        worker.put(1);
        worker.put(-1);
        await().until(() -> worker.getRuns() == 2);
        WorkerInfo info = supervisor.info().workers().get(0);
        assertThat(info.name()).isEqualTo("counted");
        assertThat(info.kind()).isEqualTo(WorkerKind.QUEUE);
        assertThat(info.state()).isEqualTo(WorkerState.ACTIVE);
        assertThat(info.schedule()).isEqualTo("per item");
        assertThat(info.runs()).isEqualTo(2);
        assertThat(info.failures()).isEqualTo(1);
        assertThat(info.lastRunStarted()).isNotNull();
        assertThat(info.lastRunDuration()).isNotNull();
        assertThat(info.queueSize()).isZero();
        assertThat(info.aloop()).isNull();
        assertThat(supervisor.info().workers()).hasSize(1);
    }

    @Test
    void tenThousandIdleWorkersHoldNoThreads() {
        int before = Thread.activeCount();
        List<BackgroundWorker> workers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            BackgroundWorker worker = switch (i % 3) {
                case 0 -> new IntervalWorker(supervisor, "interval-" + i, Duration.ofHours(1), WorkerTarget.of(() -> { }));
                case 1 -> new EventWorker(supervisor, "event-" + i, WorkerTarget.of(() -> { }));
                default -> new QueueWorker<Integer>(supervisor, "queue-" + i, WorkerTarget.of(item -> { }));
            };
            if (worker instanceof IntervalWorker interval) {
                interval.setInitialDelay(Duration.ofHours(1));
            }
            worker.start();
            workers.add(worker);
        }
        assertThat(supervisor.getWorkers()).hasSize(10_000);
        // No thread per worker: at most the pool, the supervisor's loop and a few JVM threads more.
        int poolMax = supervisor.getPoolSettings().maxSize();
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(before + poolMax + 1 + 5);
        assertThat(SupervisorThreads.of(id)).hasSizeLessThanOrEqualTo(1 + poolMax);
        long started = System.nanoTime();
        supervisor.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(workers).allSatisfy(w -> assertThat(w.isStopped()).isTrue());
    }
}
