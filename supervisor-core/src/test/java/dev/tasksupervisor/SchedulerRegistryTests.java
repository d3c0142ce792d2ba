package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.testsupport.WorkerTestSupport;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.Scheduler;
import dev.tasksupervisor.worker.WorkerContext;
import dev.tasksupervisor.worker.WorkerInfo;
import dev.tasksupervisor.worker.WorkerKind;
import dev.tasksupervisor.worker.WorkerState;
import dev.tasksupervisor.worker.WorkerTarget;

class SchedulerRegistryTests extends WorkerTestSupport {

    @Test
    void startingAWorkerRegistersItForLookUpByName() {
        QueueWorker<String> orders = new QueueWorker<>(supervisor, "orders", WorkerTarget.of(item -> { }));
        AtomicInteger events = new AtomicInteger();
        EventWorker refresh = new EventWorker(supervisor, "refresh", WorkerTarget.of(events::incrementAndGet));
        orders.start();
        refresh.start();
        assertThat(supervisor.getWorker("orders")).isSameAs(orders);
        QueueWorker<String> typed = supervisor.getQueueWorker("orders", String.class);
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

    /** A queue worker that names its item type. */
    static final class Mailer extends QueueWorker<StringBuilder> {
        Mailer(TaskSupervisor supervisor) {
            super(supervisor, "mailer", false, 0);
        }

        @Override
        protected Object run(StringBuilder item, WorkerContext context) {
            return null;
        }
    }

    @Test
    void theLookUpForPuttingChecksTheItemTypeTheWorkerIsKnownToTake() {
        Mailer mailer = new Mailer(supervisor);
        mailer.start();
        assertThat(mailer.getItemType()).isEqualTo(StringBuilder.class);
        assertThat(supervisor.getQueueWorker("mailer", StringBuilder.class)).isSameAs(mailer);
        assertThatThrownBy(() -> supervisor.getQueueWorker("mailer", String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queue worker 'mailer' takes java.lang.StringBuilder items, not java.lang.String: ask for "
                        + "getQueueWorker(\"mailer\", StringBuilder.class)");
        // A lambda's item type is unknown: any type is taken at its word.
        QueueWorker<String> lambda = new QueueWorker<>(supervisor, "lambda", WorkerTarget.of(item -> { }));
        assertThat(lambda.getItemType()).isNull();
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
}
