package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.testsupport.SchedulerProbe;
import dev.tasksupervisor.testsupport.SupervisorThreads;

/**
 * The supervisor's {@link RunObserver} sees every run of every kind and every spawned task, from start to end,
 * on the thread that runs it and inside the context the task decorator carried from the caller.
 */
class RunObserverTests {

    /** The "context" the decorator carries, as Spring's ContextPropagatingTaskDecorator carries a span. */
    private static final ThreadLocal<String> CALLER = new ThreadLocal<>();

    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("observed"));
    private final Recorder recorder = new Recorder();

    RunObserverTests() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
        supervisor.setTaskDecorator(task -> {
            String caller = CALLER.get();
            return () -> {
                String previous = CALLER.get();
                CALLER.set(caller);
                try {
                    task.run();
                } finally {
                    CALLER.set(previous);
                }
            };
        });
    }

    @AfterEach
    void stopSupervisor() {
        CALLER.remove();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    @Test
    void withoutAnObserverTheWorkersHaveNone() {
        supervisor.start();
        assertThat(SchedulerProbe.handleOf(supervisor).runObserver()).isNull();
    }

    @Test
    void theObserverIsSetBeforeStartOnly() {
        supervisor.setRunObserver(recorder);
        supervisor.start();
        assertThat(SchedulerProbe.handleOf(supervisor).runObserver()).isSameAs(recorder);
        assertThatThrownBy(() -> supervisor.setRunObserver(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set a run observer before calling start()");
    }

    @Test
    void aQueueItemRunsInsideItsObservationInThePuttersContextOnOneThread() {
        supervisor.setRunObserver(recorder);
        supervisor.start();
        List<String> ranOn = new CopyOnWriteArrayList<>();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(item -> {
            ranOn.add(Thread.currentThread().getName());
            recorder.event("target " + item);
        }));
        worker.start();

        CALLER.set("alice");
        worker.put("A-1");
        CALLER.set("bob");
        worker.put("B-1");

        await().until(() -> recorder.ends.size() == 2);
        assertThat(recorder.events).containsExactly("start ship as alice", "target A-1", "end ship",
                "start ship as bob", "target B-1", "end ship");
        assertThat(recorder.startThreads).isEqualTo(ranOn);
        assertThat(recorder.endThreads).isEqualTo(ranOn);
    }

    @Test
    void everyKindIsObservedRunByRun() {
        supervisor.setRunObserver(recorder);
        supervisor.start();
        supervisor.createAloop("loop", true, true, true);
        EventWorker event = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> { }));
        IntervalWorker interval = new IntervalWorker(supervisor, "tick", Duration.ofMillis(20),
                WorkerTarget.of(() -> { }));
        AtomicInteger plainRuns = new AtomicInteger();
        ContinuousWorker plain = new ContinuousWorker(supervisor, "loop3",
                (none, context) -> plainRuns.incrementAndGet() < 3);
        AtomicInteger asyncRuns = new AtomicInteger();
        ContinuousWorker async = new ContinuousWorker(supervisor, "async3", WorkerTarget.async(
                (none, context) -> CompletableFuture.completedFuture(asyncRuns.incrementAndGet() < 3)));
        for (BackgroundWorker worker : List.of(event, interval, plain, async)) {
            worker.start();
        }
        event.trigger();

        await().until(() -> recorder.endsOf("tick") >= 2 && plain.isStopped() && async.isStopped()
                && recorder.endsOf("refresh") == 1);
        assertThat(recorder.endsOf("loop3")).isEqualTo(3);
        assertThat(recorder.endsOf("async3")).isEqualTo(3);
        assertThat(recorder.startsOf("loop3")).isEqualTo(3);
        assertThat(recorder.startsOf("async3")).isEqualTo(3);
    }

    @Test
    void aFailedRunEndsWithItsFailureAfterTheErrorHandler() {
        supervisor.setRunObserver(recorder);
        supervisor.start();
        EventWorker worker = new EventWorker(supervisor, "fails", WorkerTarget.of(() -> {
            throw new IllegalStateException("no cache today");
        }));
        worker.setErrorHandler((w, error) -> recorder.event("handler " + error.getMessage()));
        worker.start();

        worker.trigger();

        await().until(() -> recorder.ends.size() == 1);
        assertThat(recorder.events).containsExactly("start fails as null", "handler no cache today",
                "end fails IllegalStateException: no cache today");
    }

    @Test
    void aRunThatTakesTooLongEndsWithARunTimeout() {
        supervisor.setRunObserver(recorder);
        supervisor.start();
        EventWorker worker = new EventWorker(supervisor, "slow", WorkerTarget.of(() -> Thread.sleep(10_000)));
        worker.setRunTimeout(Duration.ofMillis(50));
        worker.setErrorHandler((w, error) -> { });
        worker.start();

        worker.trigger();

        await().until(() -> recorder.ends.size() == 1);
        assertThat(recorder.ends.get(0)).startsWith("end slow RunTimeoutException");
    }

    @Test
    void aRunItsGuardRefusesIsSkippedAndOneWhoseGuardFailsEndsAtOnceWithTheFailure() {
        supervisor.setRunObserver(recorder);
        supervisor.start();
        AtomicInteger asks = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "guarded", WorkerTarget.of(() -> recorder.event("target")));
        worker.setRunGuard(w -> {
            if (asks.incrementAndGet() == 1) {
                return Optional.empty();
            }
            throw new IllegalStateException("lock store down");
        });
        worker.setErrorHandler((w, error) -> { });
        worker.start();

        worker.triggerNow();
        await().until(() -> worker.getSkips() == 1);
        worker.triggerNow();
        await().until(() -> recorder.ends.size() == 1);

        assertThat(recorder.events).containsExactly("skipped guarded", "start guarded as null",
                "end guarded RunGuardException: worker 'guarded' did not run: its run guard ("
                        + worker.getRunGuard().getClass().getName() + ") failed: java.lang.IllegalStateException: "
                        + "lock store down");
    }

    @Test
    void anAsyncRunStartsAndLeavesOnItsAloopAndEndsWhenItsStageCompletes() {
        supervisor.setRunObserver(recorder);
        supervisor.start();
        supervisor.createAloop("loop", true, true, true);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        EventWorker worker = new EventWorker(supervisor, "later", WorkerTarget.async((none, context) -> stage));
        worker.start();

        worker.trigger();
        await().until(() -> recorder.events.contains("leave later"));
        assertThat(recorder.events).containsExactly("start later as null", "leave later");
        assertThat(recorder.startThreads).containsExactly("supervisor_" + supervisor.getId() + "_aloop_loop");

        stage.completeExceptionally(new IllegalStateException("feed gone"));

        await().until(() -> recorder.ends.size() == 1);
        assertThat(recorder.events).containsExactly("start later as null", "leave later",
                "end later IllegalStateException: feed gone");
    }

    @Test
    void anAsyncRunGivenUpByAForcedStopEndsOnceCancelled() {
        supervisor.setRunObserver(recorder);
        supervisor.start();
        supervisor.createAloop("loop", true, true, true);
        EventWorker worker = new EventWorker(supervisor, "hangs",
                WorkerTarget.async((none, context) -> new CompletableFuture<Void>()));
        worker.start();
        worker.trigger();
        await().until(() -> recorder.events.contains("leave hangs"));

        worker.stop(Duration.ofMillis(50));

        await().until(() -> recorder.ends.size() == 1);
        assertThat(recorder.failures).singleElement().isInstanceOf(CancellationException.class);
    }

    @Test
    void spawnedTasksAreObservedWithTheirPriorityAndOutcomeInTheSpawnersContext() throws Exception {
        supervisor.setRunObserver(recorder);
        supervisor.start();

        CALLER.set("carol");
        supervisor.spawn(() -> recorder.event("task ran")).get(10, TimeUnit.SECONDS);
        assertThat(supervisor.spawn(Priority.HIGH, () -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
        CompletableFuture<Void> failing = supervisor.spawn(Priority.LOW, () -> {
            throw new IllegalArgumentException("bad task");
        });

        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        await().until(() -> recorder.ends.size() == 3);
        assertThat(recorder.events).containsExactly("task NORMAL as carol", "task ran", "end task",
                "task HIGH as carol", "end task", "task LOW as carol", "end task IllegalArgumentException: bad task");
    }

    @Test
    void aFailingObserverChangesNothingForTheRunsOrTheTasks() throws Exception {
        supervisor.setRunObserver(new RunObserver() {
            @Override
            public Run runStarted(BackgroundWorker worker) {
                return failure -> {
                    throw new IllegalStateException("observer bug at the end");
                };
            }

            @Override
            public Run taskStarted(Priority priority) {
                throw new IllegalStateException("observer bug at the start");
            }
        });
        supervisor.start();
        List<Integer> handled = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "numbers", WorkerTarget.of(handled::add));
        worker.start();

        worker.put(1);
        worker.put(2);

        await().until(() -> handled.size() == 2);
        await().until(() -> worker.getRuns() == 2);
        assertThat(worker.getFailures()).isZero();
        assertThat(supervisor.spawn(() -> "still runs").get(10, TimeUnit.SECONDS)).isEqualTo("still runs");
    }

    /** Records what it sees, in order, with the caller's context current at each start. */
    private static final class Recorder implements RunObserver {

        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> ends = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final List<String> startThreads = new CopyOnWriteArrayList<>();
        final List<String> endThreads = new CopyOnWriteArrayList<>();

        void event(String what) {
            events.add(what);
        }

        long endsOf(String worker) {
            return ends.stream().filter(e -> e.startsWith("end " + worker)).count();
        }

        long startsOf(String worker) {
            return events.stream().filter(e -> e.startsWith("start " + worker + " ")).count();
        }

        @Override
        public Run runStarted(BackgroundWorker worker) {
            return started("start " + worker.getName() + " as " + CALLER.get(), worker.getName());
        }

        @Override
        public void runSkipped(BackgroundWorker worker) {
            event("skipped " + worker.getName());
        }

        @Override
        public Run taskStarted(Priority priority) {
            return started("task " + priority + " as " + CALLER.get(), "task");
        }

        private Run started(String event, String name) {
            startThreads.add(Thread.currentThread().getName());
            event(event);
            return new Run() {
                @Override
                public void leave() {
                    event("leave " + name);
                }

                @Override
                public void end(Throwable failure) {
                    String end = "end " + name + (failure == null ? ""
                            : " " + failure.getClass().getSimpleName() + ": " + failure.getMessage());
                    endThreads.add(Thread.currentThread().getName());
                    if (failure != null) {
                        failures.add(failure);
                    }
                    event(end);
                    ends.add(end);
                }
            };
        }
    }
}
