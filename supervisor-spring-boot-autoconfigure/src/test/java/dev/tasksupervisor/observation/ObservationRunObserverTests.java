package dev.tasksupervisor.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.tck.ObservationContextAssert;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Each run and spawned task is an observation with its name, keys and outcome, whose parent is the
 * observation current where the work was handed over (carried by Spring's {@link ContextPropagatingTaskDecorator}),
 * not whatever is current on the thread that runs it.
 */
class ObservationRunObserverTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("observation"));

    ObservationRunObserverTests() {
        ObservationThreadLocalAccessor.getInstance().setObservationRegistry(registry);
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
        supervisor.setTaskDecorator(new ContextPropagatingTaskDecorator()::decorate);
    }

    @AfterEach
    void stopSupervisor() {
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
    }

    private void start(ObservationRunObserver observer) {
        supervisor.setRunObserver(observer);
        supervisor.start();
    }

    @Test
    void aRunIsASupervisorWorkerRunObservationWithItsWorkerKindAndOutcome() {
        start(new ObservationRunObserver(registry, null, null, QueueItemObservation.ALL));
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(order -> { }));
        worker.start();

        worker.put("A-1");

        await().until(() -> worker.getRuns() == 1);
        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasNameEqualTo("supervisor.worker.run")
                .hasContextualNameEqualTo("worker ship")
                .hasLowCardinalityKeyValue("worker", "ship")
                .hasLowCardinalityKeyValue("kind", "queue")
                .hasLowCardinalityKeyValue("outcome", "success")
                .doesNotHaveError()
                .doesNotHaveParentObservation()
                .hasBeenStarted()
                .hasBeenStopped();
    }

    @Test
    void aFailedRunIsAnErrorWithItsException() {
        start(new ObservationRunObserver(registry));
        IllegalStateException failure = new IllegalStateException("no cache today");
        EventWorker worker = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> {
            throw failure;
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.start();

        worker.trigger();

        await().until(() -> worker.getRuns() == 1);
        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasLowCardinalityKeyValue("kind", "event")
                .hasLowCardinalityKeyValue("outcome", "error")
                .hasError(failure)
                .hasBeenStopped();
    }

    @Test
    void theParentIsTheObservationCurrentAtThePutOrTheTriggerNotOnTheRunsThread() throws Exception {
        start(new ObservationRunObserver(registry));
        QueueWorker<String> queue = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(order -> { }));
        EventWorker event = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> { }));
        queue.start();
        event.start();
        Observation request = Observation.start("http.server.requests", registry);

        try (Observation.Scope scope = request.openScope()) {
            queue.put("A-1");
            event.trigger();
        }
        await().until(() -> queue.getRuns() == 1 && event.getRuns() == 1);
        queue.put("B-1"); // handed over with no observation current: no trace to continue, so not observed
        event.trigger(); // an event run is observed all the same, a trace of its own
        await().until(() -> queue.getRuns() == 2 && event.getRuns() == 2);
        request.stop();

        TestObservationRegistryAssert.assertThat(registry).hasHandledContextsThatSatisfy(contexts -> {
            List<WorkerRunObservationContext> runs = runs(contexts);
            assertThat(runs).hasSize(3);
            ObservationContextAssert.assertThat(runs.get(0)).hasParentObservationEqualTo(request);
            ObservationContextAssert.assertThat(runs.get(1)).hasParentObservationEqualTo(request);
            assertThat(runs.subList(0, 2)).extracting(WorkerRunObservationContext::getWorkerName)
                    .containsExactlyInAnyOrder("ship", "refresh");
            assertThat(runs.get(2).getWorkerName()).isEqualTo("refresh");
            ObservationContextAssert.assertThat(runs.get(2)).doesNotHaveParentObservation();
        });
    }

    @Test
    void observingAllQueueItemsMakesAnItemPutOutsideAnyObservationARunOfItsOwn() {
        start(new ObservationRunObserver(registry, null, null, QueueItemObservation.ALL));
        QueueWorker<String> queue = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(order -> { }));
        queue.start();

        queue.put("B-1");

        await().until(() -> queue.getRuns() == 1);
        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasLowCardinalityKeyValue("kind", "queue")
                .doesNotHaveParentObservation()
                .hasBeenStopped();
    }

    @Test
    void aRunItsGuardRefusesIsASkippedObservation() {
        start(new ObservationRunObserver(registry));
        EventWorker worker = new EventWorker(supervisor, "report", WorkerTarget.of(() -> { }));
        worker.setRunGuard(w -> Optional.empty());
        worker.start();

        worker.trigger();

        await().until(() -> worker.getSkips() == 1);
        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasNameEqualTo("supervisor.worker.run")
                .hasLowCardinalityKeyValue("worker", "report")
                .hasLowCardinalityKeyValue("outcome", "skipped")
                .hasBeenStopped();
    }

    @Test
    void anAsyncRunIsObservedUntilItsStageCompletes() {
        start(new ObservationRunObserver(registry));
        supervisor.createAloop("io", true, true, true);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "poll", WorkerTarget.async((none, context) ->
                stage.thenApply(done -> false)));
        worker.start();
        await().until(() -> worker.info().lastRunStarted() != null);

        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasLowCardinalityKeyValue("kind", "async")
                .hasBeenStarted()
                .isNotStopped();
        stage.complete(null);

        await().until(worker::isStopped);
        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasLowCardinalityKeyValue("outcome", "success")
                .hasBeenStopped();
    }

    @Test
    void aSpawnedTaskIsASupervisorTaskObservationWithItsPriorityInTheSpawnersContext() throws Exception {
        start(new ObservationRunObserver(registry));
        Observation caller = Observation.start("caller", registry);

        try (Observation.Scope scope = caller.openScope()) {
            supervisor.spawn(Priority.HIGH, () -> "done").get(10, TimeUnit.SECONDS);
        }
        caller.stop();

        TestObservationRegistryAssert.assertThat(registry)
                .hasObservationWithNameEqualTo("supervisor.task").that()
                .hasContextualNameEqualTo("supervisor task")
                .hasLowCardinalityKeyValue("priority", "high")
                .hasLowCardinalityKeyValue("outcome", "success")
                .hasParentObservationEqualTo(caller)
                .hasBeenStopped();
    }

    @Test
    void aConventionOfTheApplicationNamesTheObservations() {
        start(new ObservationRunObserver(registry, new DefaultWorkerRunObservationConvention() {
            @Override
            public KeyValues getLowCardinalityKeyValues(WorkerRunObservationContext context) {
                return super.getLowCardinalityKeyValues(context).and("team", "shipping");
            }
        }, null, QueueItemObservation.ALL));
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "ship", WorkerTarget.of(order -> { }));
        worker.start();

        worker.put("A-1");

        await().until(() -> worker.getRuns() == 1);
        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasLowCardinalityKeyValue("team", "shipping")
                .hasLowCardinalityKeyValue("worker", "ship");
    }

    private static List<WorkerRunObservationContext> runs(List<Observation.Context> contexts) {
        return contexts.stream().filter(WorkerRunObservationContext.class::isInstance)
                .map(WorkerRunObservationContext.class::cast).toList();
    }
}
