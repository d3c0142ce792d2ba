package dev.tasksupervisor.autoconfigure.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;

import io.micrometer.common.KeyValues;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.observation.DefaultWorkerRunObservationConvention;
import dev.tasksupervisor.observation.ObservationRunObserver;
import dev.tasksupervisor.observation.QueueItemObservation;
import dev.tasksupervisor.observation.WorkerRunObservationContext;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.testsupport.SchedulerProbe;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.RunObserver;
import dev.tasksupervisor.worker.SchedulerHandle;

class SupervisorObservationAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class,
                    SupervisorObservationAutoConfiguration.class))
            .withPropertyValues("supervisor.id=observed-" + UUID.randomUUID().toString().substring(0, 8));

    private final ApplicationContextRunner withRegistry = contextRunner.withUserConfiguration(Registry.class);

    @Test
    void withoutAnObservationRegistryNothingIsObservedAndNothingWrapped() {
        contextRunner.withUserConfiguration(Jobs.class).run(context -> {
            assertThat(context).doesNotHaveBean(RunObserver.class);
            SchedulerHandle handle = SchedulerProbe.handleOf(context.getBean(TaskSupervisor.class));
            assertThat(handle.runObserver()).isNull();
            assertThat(handle.taskDecorator()).as("no task decorator around any run or task").isNull();
        });
    }

    @Test
    void withBootsObservationRegistryTheSupervisorObservesItsRuns() {
        contextRunner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class)).run(context -> {
            assertThat(context).hasSingleBean(ObservationRunObserver.class);
            assertThat(SchedulerProbe.handleOf(context.getBean(TaskSupervisor.class)).runObserver())
                    .isSameAs(context.getBean(RunObserver.class));
        });
    }

    @Test
    void everyRunOfAWorkerBeanIsAnObservationWhoseParentIsTheCallersObservation() {
        withRegistry.withUserConfiguration(Jobs.class).run(context -> {
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            Observation request = Observation.start("http.server.requests", registry);
            try (Observation.Scope scope = request.openScope()) {
                supervisor.getQueueWorker("ship", String.class).put("A-1");
            }
            BackgroundWorker ship = supervisor.getWorker("ship");
            await().atMost(Duration.ofSeconds(20)).until(() -> ship.getRuns() == 1);
            request.stop();

            TestObservationRegistryAssert.assertThat(registry)
                    .hasObservationWithNameEqualTo("supervisor.worker.run").that()
                    .hasLowCardinalityKeyValue("worker", "ship")
                    .hasLowCardinalityKeyValue("kind", "queue")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasParentObservationEqualTo(request);
        });
    }

    @Test
    void theApplicationsTaskDecoratorRunsInTheCallersContextBesideThePropagation() {
        withRegistry.withUserConfiguration(Jobs.class, UserDecorator.class).run(context -> {
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            Observation caller = Observation.start("caller", registry);
            UserDecorator.USER.set("alice");
            String seen;
            try (Observation.Scope scope = caller.openScope()) {
                seen = supervisor.spawn(Priority.NORMAL, () -> UserDecorator.USER.get() + " in "
                        + registry.getCurrentObservation().getContext().getName()).get(10, TimeUnit.SECONDS);
            } finally {
                UserDecorator.USER.remove();
            }
            caller.stop();
            assertThat(seen).as("the user's decorator and the task's own observation").isEqualTo(
                    "alice in supervisor.task");
            TestObservationRegistryAssert.assertThat(registry).hasObservationWithNameEqualTo("supervisor.task")
                    .that().hasParentObservationEqualTo(caller);
        });
    }

    @Test
    void withoutContextPropagationOnTheClassPathRunsAreObservedWithoutTheCallersParent() {
        // Every queue item: with the default (traced), no item could be seen to continue a trace without propagation.
        withRegistry.withUserConfiguration(Jobs.class).withPropertyValues("supervisor.observation.queue-items=all")
                .withClassLoader(new FilteredClassLoader(ContextSnapshotFactory.class)).run(context -> {
                    TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    assertThat(SchedulerProbe.handleOf(supervisor).taskDecorator()).isNull();
                    Observation request = Observation.start("http.server.requests", registry);
                    try (Observation.Scope scope = request.openScope()) {
                        supervisor.getQueueWorker("ship", String.class).put("A-1");
                    }
                    await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.getWorker("ship").getRuns() == 1);
                    request.stop();
                    TestObservationRegistryAssert.assertThat(registry)
                            .hasObservationWithNameEqualTo("supervisor.worker.run").that()
                            .doesNotHaveParentObservation();
                });
    }

    @Test
    void byDefaultAQueueItemPutOutsideAnyObservationRunsUnobservedAndIsStillCounted() {
        withRegistry.withUserConfiguration(Jobs.class).run(context -> {
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            assertThat(context.getBean(ObservationRunObserver.class).getQueueItems())
                    .isEqualTo(QueueItemObservation.TRACED);

            supervisor.getQueueWorker("ship", String.class).put("A-1");

            await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.getWorker("ship").getRuns() == 1);
            TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyObservation();
        });
    }

    @Test
    void anUnknownQueueItemsValueFailsTheStartWithTheValuesAllowed() {
        withRegistry.withUserConfiguration(Jobs.class).withPropertyValues("supervisor.observation.queue-items=some")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("supervisor.observation.queue-items"));
    }

    @Test
    void bootsSwitchForSupervisorObservationsTurnsObservingAndPropagationOff() {
        withRegistry.withUserConfiguration(Jobs.class)
                .withPropertyValues("management.observations.enable.supervisor=false").run(context -> {
                    assertThat(context).doesNotHaveBean(RunObserver.class);
                    SchedulerHandle handle = SchedulerProbe.handleOf(context.getBean(TaskSupervisor.class));
                    assertThat(handle.runObserver()).isNull();
                    assertThat(handle.taskDecorator()).isNull();
                });
    }

    @Test
    void bootsSwitchForOneObservationDropsThatOneOnly() {
        contextRunner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
                .withUserConfiguration(Jobs.class, Recording.class)
                .withPropertyValues("management.observations.enable.supervisor.task=false").run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    supervisor.spawn(() -> { }).get(10, TimeUnit.SECONDS);
                    putInARequest(context.getBean(ObservationRegistry.class), supervisor, "A-1");
                    await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.getWorker("ship").getRuns() == 1);
                    assertThat(context.getBean(Recording.Handler.class).stopped)
                            .contains("supervisor.worker.run").doesNotContain("supervisor.task");
                });
    }

    @Test
    void aRunObserverOfTheApplicationReplacesTheStartersOne() {
        withRegistry.withUserConfiguration(OwnObserver.class).run(context -> {
            assertThat(context).getBeanNames(RunObserver.class).containsExactly("ownObserver");
            assertThat(SchedulerProbe.handleOf(context.getBean(TaskSupervisor.class)).runObserver())
                    .isSameAs(context.getBean("ownObserver"));
        });
    }

    @Test
    void aWorkerRunConventionBeanNamesTheRunsObservations() {
        withRegistry.withUserConfiguration(Jobs.class, TeamConvention.class).run(context -> {
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            putInARequest(registry, supervisor, "A-1");
            await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.getWorker("ship").getRuns() == 1);
            TestObservationRegistryAssert.assertThat(registry)
                    .hasObservationWithNameEqualTo("supervisor.worker.run").that()
                    .hasLowCardinalityKeyValue("team", "shipping");
        });
    }

    @Test
    void theStarterCanBeSwitchedOffWithItsObservations() {
        withRegistry.withPropertyValues("supervisor.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(RunObserver.class));
    }

    /** Puts an order as a request would: inside an observation, whose trace the order's run continues. */
    private static void putInARequest(ObservationRegistry registry, TaskSupervisor supervisor, String order) {
        Observation request = Observation.start("http.server.requests", registry);
        try (Observation.Scope scope = request.openScope()) {
            supervisor.getQueueWorker("ship", String.class).put(order);
        } finally {
            request.stop();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {

        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Jobs {

        @Worker(queue = true)
        void ship(String order) {
        }
    }

    /** An MDC-like decorator of the application's: who the caller acts for. */
    @Configuration(proxyBeanMethods = false)
    static class UserDecorator {

        static final ThreadLocal<String> USER = new ThreadLocal<>();

        @Bean
        TaskDecorator userDecorator() {
            return task -> {
                String user = USER.get();
                return () -> {
                    USER.set(user);
                    try {
                        task.run();
                    } finally {
                        USER.remove();
                    }
                };
            };
        }
    }

    /** A handler Boot's registry hands every observation: which ones stopped. */
    @Configuration(proxyBeanMethods = false)
    static class Recording {

        @Bean
        Handler recordingHandler() {
            return new Handler();
        }

        static class Handler implements ObservationHandler<Observation.Context> {

            final List<String> stopped = new CopyOnWriteArrayList<>();

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context.getName());
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnObserver {

        @Bean
        RunObserver ownObserver(ObservationRegistry registry) {
            return new ObservationRunObserver(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TeamConvention {

        @Bean
        DefaultWorkerRunObservationConvention teamConvention() {
            return new DefaultWorkerRunObservationConvention() {
                @Override
                public KeyValues getLowCardinalityKeyValues(WorkerRunObservationContext context) {
                    return super.getLowCardinalityKeyValues(context).and("team", "shipping");
                }
            };
        }
    }
}
