package dev.tasksupervisor.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;

class SupervisorHealthContributorAutoConfigurationTests {

    private final String id = "health-" + UUID.randomUUID().toString().substring(0, 8);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class,
                    SupervisorHealthContributorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=" + id);

    @Test
    void aHealthIndicatorNamedSupervisorThatIsUpWhileTheSupervisorRuns() {
        contextRunner.withPropertyValues("supervisor.pool.min-size=1", "supervisor.pool.max-size=4",
                "supervisor.pool.check-interval=1h").run(context -> {
            assertThat(context).hasSingleBean(SupervisorHealthIndicator.class);
            assertThat(context).hasBean("supervisorHealthIndicator");
            Health health = context.getBean(SupervisorHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("id", id).containsEntry("saturated", false)
                    .doesNotContainKey("lastCheckLatency").doesNotContainKey("reason");
            assertThat(health.getDetails().get("pool")).isInstanceOfSatisfying(Map.class,
                    pool -> assertThat(pool).containsEntry("minSize", 1).containsEntry("maxSize", 4));
        });
    }

    @Test
    void downOnceTheSupervisorStops() {
        contextRunner.run(context -> {
            context.getBean(TaskSupervisor.class).stop();
            Health health = context.getBean(SupervisorHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("reason", "task supervisor '" + id + "' is STOPPED");
        });
    }

    @Test
    void downWhileThePoolIsSaturatedAndUpAgainOnceItRecovers() {
        contextRunner.withPropertyValues("supervisor.pool.max-size=1", "supervisor.pool.check-interval=50ms",
                "supervisor.pool.check-timeout=50ms").run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    HealthIndicator indicator = context.getBean(SupervisorHealthIndicator.class);
                    CountDownLatch release = new CountDownLatch(1);
                    supervisor.spawn(() -> {
                        release.await();
                        return null;
                    });
                    await().atMost(Duration.ofSeconds(20)).until(() -> indicator.health().getStatus().equals(Status.DOWN));
                    assertThat(indicator.health().getDetails()).containsEntry("saturated", true)
                            .hasEntrySatisfying("reason", reason -> assertThat((String) reason)
                                    .contains("saturated").contains("supervisor.pool.max-size"));
                    release.countDown();
                    await().atMost(Duration.ofSeconds(20)).until(() -> indicator.health().getStatus().equals(Status.UP));
                });
    }

    @Test
    void switchedOffByManagementHealthSupervisorEnabled() {
        contextRunner.withPropertyValues("management.health.supervisor.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorHealthIndicator.class));
    }

    @Test
    void followsManagementHealthDefaultsEnabled() {
        contextRunner.withPropertyValues("management.health.defaults.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorHealthIndicator.class));
    }

    @Test
    void noHealthIndicatorWhenTheStarterIsSwitchedOff() {
        contextRunner.withPropertyValues("supervisor.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorHealthIndicator.class));
    }

    @Test
    void noHealthIndicatorWithoutSpringBootsHealthModule() {
        contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(TaskSupervisor.class);
            assertThat(context).doesNotHaveBean(SupervisorHealthIndicator.class);
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwn() {
        contextRunner.withBean("supervisorHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
                .run(context -> {
                    assertThat(context).doesNotHaveBean(SupervisorHealthIndicator.class);
                    assertThat(context).hasBean("supervisorHealthIndicator");
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesAContributorOfTheSameName() {
        contextRunner.withBean("supervisorHealthContributor", HealthIndicator.class, () -> () -> Health.up().build())
                .run(context -> {
                    assertThat(context).doesNotHaveBean(SupervisorHealthIndicator.class);
                    assertThat(context).hasBean("supervisorHealthContributor");
                });
    }
}
