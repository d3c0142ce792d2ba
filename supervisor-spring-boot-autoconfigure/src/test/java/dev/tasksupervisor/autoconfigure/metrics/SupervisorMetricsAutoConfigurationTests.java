package dev.tasksupervisor.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.testsupport.SchedulerProbe;
import dev.tasksupervisor.worker.SchedulerHandle;

class SupervisorMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class,
                    SupervisorMetricsAutoConfiguration.class))
            .withPropertyValues("supervisor.id=metrics-" + UUID.randomUUID().toString().substring(0, 8));

    private final ApplicationContextRunner withMicrometer = contextRunner.withConfiguration(AutoConfigurations.of(
            MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class));

    @Test
    void thePoolAndTheWorkersAreBoundToBootsMeterRegistry() {
        withMicrometer.withUserConfiguration(Ticker.class).withPropertyValues("supervisor.pool.max-size=7")
                .run(context -> {
                    assertThat(context).hasSingleBean(SupervisorMetrics.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("executor.pool.max").tag("name", "supervisor").gauge().value()).isEqualTo(7);
                    await().atMost(Duration.ofSeconds(20)).until(() -> registry.get("supervisor.worker.runs")
                            .tag("worker", "tick").tag("kind", "interval").tag("outcome", "success").timer().count() >= 1);
                });
    }

    @Test
    void perWorkerMetersCanBeSwitchedOffWithBootsMeterFilter() {
        withMicrometer.withUserConfiguration(Ticker.class)
                .withPropertyValues("management.metrics.enable.supervisor.worker=false").run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> context.getBean(TaskSupervisor.class).getWorker("tick").getRuns() >= 2);
                    assertThat(registry.find("supervisor.worker.runs").timers()).isEmpty();
                    assertThat(registry.find("executor.active").tag("name", "supervisor").gauge()).isNotNull();
                });
    }

    @Test
    void stopsFollowingTheWorkersWhenTheContextCloses() {
        AtomicReference<SchedulerHandle> handle = new AtomicReference<>();
        withMicrometer.run(context -> {
            handle.set(SchedulerProbe.handleOf(context.getBean(TaskSupervisor.class)));
            assertThat(handle.get().listener()).isNotNull();
        });
        assertThat(handle.get().listener()).isNull();
    }

    @Test
    void noMetricsWithoutAMeterRegistry() {
        contextRunner.run(context -> {
            assertThat(context).hasSingleBean(TaskSupervisor.class);
            assertThat(context).doesNotHaveBean(SupervisorMetrics.class);
        });
    }

    @Test
    void noMetricsWithoutMicrometerOnTheClassPath() {
        contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(TaskSupervisor.class);
            assertThat(context).doesNotHaveBean(SupervisorMetrics.class);
        });
    }

    @Test
    void noMetricsWhenTheStarterIsSwitchedOff() {
        withMicrometer.withPropertyValues("supervisor.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorMetrics.class));
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwn() {
        withMicrometer.withBean("ownMetrics", SupervisorMetrics.class,
                () -> new SupervisorMetrics(new TaskSupervisor("own"), "own")).run(context -> {
                    assertThat(context).hasSingleBean(SupervisorMetrics.class);
                    assertThat(context).hasBean("ownMetrics");
                    assertThat(context.getBean(MeterRegistry.class).find("executor.active").tag("name", "supervisor")
                            .gauge()).isNull();
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Ticker {

        @Worker(interval = "50ms")
        void tick() {
        }
    }
}
