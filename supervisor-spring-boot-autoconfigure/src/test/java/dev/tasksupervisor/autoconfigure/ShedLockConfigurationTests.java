package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.autoconfigure.endpoint.SupervisorEndpoint;
import dev.tasksupervisor.autoconfigure.metrics.SupervisorMetrics;
import dev.tasksupervisor.lock.ShedLockRunGuard;
import dev.tasksupervisor.lock.WorkerLock;
import dev.tasksupervisor.lock.WorkerLockGuards;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.RunGuard;

/** {@code @Worker(lock = ...)} and {@code supervisor.workers.<name>.lock.*}: conditions, settings and failures. */
class ShedLockConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class,
                    SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=locks-" + UUID.randomUUID().toString().substring(0, 8),
                    "supervisor.keep-jvm-alive=false");

    // ------------------------------------------------------------------ conditions

    @Test
    void withShedLockOnTheClassPathWorkersCanBeLocked() {
        contextRunner.run(context -> assertThat(context).hasSingleBean(WorkerLockGuards.class));
    }

    @Test
    void withoutShedLockTheStarterWorksAsBefore() {
        contextRunner.withClassLoader(new FilteredClassLoader("net.javacrumbs.shedlock"))
                .withUserConfiguration(Unlocked.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(WorkerLockGuards.class);
                    Unlocked unlocked = context.getBean(Unlocked.class);
                    await().until(() -> unlocked.runs.get() > 0);
                    assertThat(context.getBean(TaskSupervisor.class).getWorker("tick").getRunGuard()).isNull();
                });
    }

    @Test
    void anApplicationsOwnWayOfLockingWorkersReplacesShedLocks() {
        contextRunner.withUserConfiguration(OwnGuards.class, Nightly.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(WorkerLockGuards.class)).isSameAs(context.getBean(OwnGuards.class).guards);
            RunGuard guard = context.getBean(TaskSupervisor.class).getWorker("report").getRunGuard();
            assertThat(guard.describe()).isEqualTo("own lock nightly-report");
        });
    }

    // ------------------------------------------------------------------ settings

    @Test
    void theAnnotationNamesTheLockAndHowLongItIsHeld() {
        contextRunner.withUserConfiguration(InMemoryLocks.class, Nightly.class).run(context -> {
            assertThat(context).hasNotFailed();
            RunGuard guard = context.getBean(TaskSupervisor.class).getWorker("report").getRunGuard();
            assertThat(guard).isInstanceOf(ShedLockRunGuard.class);
            assertThat(((ShedLockRunGuard) guard).getLock()).isEqualTo(new WorkerLock("nightly-report",
                    Duration.ofMinutes(5), Duration.ofSeconds(5)));
            InMemoryLockProvider provider = context.getBean(InMemoryLockProvider.class);
            await().until(() -> provider.taken.contains("nightly-report"));
            LockConfiguration asked = provider.lastAsked.get("nightly-report");
            assertThat(asked.getLockAtMostFor()).isEqualTo(Duration.ofMinutes(5));
            assertThat(asked.getLockAtLeastFor()).isEqualTo(Duration.ofSeconds(5));
        });
    }

    @Test
    void aCronWorkerTakesItsLockAtEachTickAsAnIntervalWorkerDoes() {
        contextRunner.withUserConfiguration(InMemoryLocks.class, Nightly.class)
                .withPropertyValues("supervisor.workers.report.cron=* * * * * *").run(context -> {
                    assertThat(context).hasNotFailed();
                    BackgroundWorker worker = context.getBean(TaskSupervisor.class).getWorker("report");
                    assertThat(worker.getSchedule()).startsWith("cron * * * * * *");
                    assertThat(worker.info().guard()).startsWith("ShedLock 'nightly-report'");
                    InMemoryLockProvider provider = context.getBean(InMemoryLockProvider.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> provider.taken.contains("nightly-report"));
                });
    }

    @Test
    void aLockWithoutDurationsIsHeldAtMostTheDefaultAndAtLeastNotAtAll() {
        contextRunner.withUserConfiguration(InMemoryLocks.class, Plain.class).run(context -> {
            ShedLockRunGuard guard = (ShedLockRunGuard) context.getBean(TaskSupervisor.class).getWorker("cache")
                    .getRunGuard();
            assertThat(guard.getLock()).isEqualTo(new WorkerLock("cache-rebuild", WorkerLock.DEFAULT_AT_MOST_FOR,
                    Duration.ZERO));
            assertThat(WorkerLock.DEFAULT_AT_MOST_FOR).isEqualTo(Duration.ofMinutes(10));
        });
    }

    @Test
    void propertiesOverrideTheAnnotationAndResolvePlaceholders() {
        contextRunner.withUserConfiguration(InMemoryLocks.class, Nightly.class)
                .withPropertyValues("supervisor.workers.report.lock.name=report-eu",
                        "supervisor.workers.report.lock.at-most-for=2m", "supervisor.workers.report.lock.at-least-for=1s")
                .run(context -> {
                    ShedLockRunGuard guard = (ShedLockRunGuard) context.getBean(TaskSupervisor.class).getWorker("report")
                            .getRunGuard();
                    assertThat(guard.getLock()).isEqualTo(new WorkerLock("report-eu", Duration.ofMinutes(2),
                            Duration.ofSeconds(1)));
                });
        contextRunner.withUserConfiguration(InMemoryLocks.class, Placeholders.class)
                .withPropertyValues("jobs.lock=from-property")
                .run(context -> {
                    ShedLockRunGuard guard = (ShedLockRunGuard) context.getBean(TaskSupervisor.class).getWorker("job")
                            .getRunGuard();
                    assertThat(guard.getLock()).isEqualTo(new WorkerLock("from-property", Duration.ofSeconds(30),
                            Duration.ZERO));
                });
    }

    @Test
    void aPropertyLocksAWorkerWhoseAnnotationDoesNot() {
        contextRunner.withUserConfiguration(InMemoryLocks.class, Unlocked.class)
                .withPropertyValues("supervisor.workers.tick.lock.name=ticks")
                .run(context -> assertThat(((ShedLockRunGuard) context.getBean(TaskSupervisor.class).getWorker("tick")
                        .getRunGuard()).getLock().name()).isEqualTo("ticks"));
    }

    @Test
    void anAsyncEventWorkerCanBeLocked() {
        contextRunner.withUserConfiguration(InMemoryLocks.class, AsyncEvent.class)
                .withPropertyValues("supervisor.aloops.io.default=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackgroundWorker worker = context.getBean(TaskSupervisor.class).getWorker("refresh");
                    assertThat(worker.getRunGuard()).isInstanceOf(ShedLockRunGuard.class);
                    ((EventWorker) worker).trigger();
                    await().until(() -> worker.getRuns() == 1);
                    InMemoryLockProvider provider = context.getBean(InMemoryLockProvider.class);
                    await().until(() -> !provider.held.containsKey("refresh"));
                });
    }

    // ------------------------------------------------------------------ skipping, as the endpoint and metrics show it

    @Test
    void aRunAnotherInstanceHoldsTheLockForIsSkippedAndShowsInTheEndpointAndMetrics() {
        contextRunner.withUserConfiguration(InMemoryLocks.class, Plain.class).run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (SupervisorMetrics metrics = new SupervisorMetrics(supervisor)) {
                metrics.bindTo(registry);
                InMemoryLockProvider provider = context.getBean(InMemoryLockProvider.class);
                provider.held.put("cache-rebuild", "another instance");
                Plain plain = context.getBean(Plain.class);
                BackgroundWorker worker = supervisor.getWorker("cache");
                ((EventWorker) worker).trigger();
                await().until(() -> worker.getSkips() == 1);
                assertThat(plain.runs).hasValue(0);

                SupervisorEndpoint.WorkerDescriptor view = new SupervisorEndpoint(supervisor).worker(SecurityContext.NONE, "cache");
                assertThat(view.skipped()).isEqualTo(1);
                assertThat(view.runs()).isZero();
                assertThat(view.failures()).isZero();
                assertThat(view.guard()).isEqualTo("ShedLock 'cache-rebuild', held at most PT10M, at least PT0S");
                await().until(() -> registry.find("supervisor.worker.runs").tags("worker", "cache", "outcome", "skipped")
                        .timer() != null && registry.get("supervisor.worker.runs")
                        .tags("worker", "cache", "outcome", "skipped").timer().count() == 1);
                assertThat(registry.get("supervisor.worker.runs").tags("worker", "cache", "kind", "event",
                        "outcome", "success").timer().count()).isZero();

                provider.held.remove("cache-rebuild");
                ((EventWorker) worker).trigger();
                await().until(() -> plain.runs.get() == 1);
                assertThat(worker.getSkips()).isEqualTo(1);
            }
        });
    }

    // ------------------------------------------------------------------ failures

    @Test
    void aLockWithoutShedLockOnTheClassPathSaysWhatToAdd() {
        FailureAnalysis analysis = analyze(contextRunner.withClassLoader(new FilteredClassLoader("net.javacrumbs.shedlock"))
                .withUserConfiguration(Plain.class));
        assertThat(analysis.getDescription()).contains("@Worker(lock = \"cache-rebuild\")")
                .contains("worker 'cache'").contains("ShedLock is not on the class path");
        assertThat(analysis.getAction()).contains("net.javacrumbs.shedlock:shedlock-core")
                .contains("shedlock-provider-jdbc-template").contains("LockProvider bean");
    }

    @Test
    void aLockWithoutALockProviderBeanSaysWhichBeanAndDependencyToAdd() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(Plain.class));
        assertThat(analysis.getDescription()).isEqualTo("Worker 'cache' takes lock 'cache-rebuild', but the application "
                + "has no ShedLock LockProvider bean.");
        assertThat(analysis.getAction()).contains("LockProvider bean")
                .contains("net.javacrumbs.shedlock:shedlock-provider-jdbc-template").contains("JdbcTemplateLockProvider")
                .contains("shedlock table");
    }

    @Test
    void severalLockProvidersWithoutAPrimaryOneAreAmbiguous() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(InMemoryLocks.class,
                AnotherLockProvider.class, Plain.class));
        assertThat(analysis.getDescription()).contains("several ShedLock LockProvider beans");
        assertThat(analysis.getAction()).contains("@Primary");
        contextRunner.withUserConfiguration(InMemoryLocks.class, PrimaryLockProvider.class, Plain.class)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aLockOnAQueueWorkerIsRefused() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(InMemoryLocks.class, LockedQueue.class));
        assertThat(analysis.getDescription()).contains("@Worker(lock = \"orders\")")
                .contains("worker 'orders'").contains("is a queue worker")
                .contains("locks apply to interval and event workers only")
                .contains("a lock per item would be another feature");
        assertThat(analysis.getAction()).contains("Remove the lock");
    }

    @Test
    void aLockOnAContinuousWorkerIsRefused() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(InMemoryLocks.class, LockedLoop.class));
        assertThat(analysis.getDescription()).contains("worker 'loop'").contains("is a plain worker")
                .contains("would spin");
        assertThat(analysis.getAction()).contains("@Worker(delay = ");
    }

    @Test
    void badLockDurationsAreRefusedNamingTheAttributeOrProperty() {
        assertThat(analyze(contextRunner.withUserConfiguration(InMemoryLocks.class, AtLeastAboveAtMost.class))
                .getDescription()).contains("@Worker(lockAtLeastFor = \"2m\")").contains("longer than")
                .contains("@Worker(lockAtMostFor = \"1m\")").contains("lock 'slow'");
        assertThat(analyze(contextRunner.withUserConfiguration(InMemoryLocks.class, Plain.class)
                .withPropertyValues("supervisor.workers.cache.lock.at-least-for=11m")).getDescription())
                .contains("supervisor.workers.cache.lock.at-least-for").contains("the default lockAtMostFor (10m)");
        assertThat(analyze(contextRunner.withUserConfiguration(InMemoryLocks.class, Plain.class)
                .withPropertyValues("supervisor.workers.cache.lock.at-most-for=0s")).getDescription())
                .contains("supervisor.workers.cache.lock.at-most-for").contains("must be positive");
        assertThat(analyze(contextRunner.withUserConfiguration(InMemoryLocks.class, NotADuration.class))
                .getDescription()).contains("@Worker(lockAtMostFor = \"soon\")").contains("is not a duration");
        assertThat(analyze(contextRunner.withUserConfiguration(InMemoryLocks.class, DurationsWithoutLock.class))
                .getDescription()).contains("@Worker(lockAtMostFor = \"1m\")").contains("takes no lock");
        assertThat(analyze(contextRunner.withUserConfiguration(InMemoryLocks.class, Unlocked.class)
                .withPropertyValues("supervisor.workers.tick.lock.at-least-for=1s")).getAction())
                .contains("supervisor.workers.tick.lock.name");
    }

    /** The report Spring Boot shows: our analyzer's, which copies the exception's description and action. */
    private static FailureAnalysis analyze(ApplicationContextRunner runner) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            while (failure != null && !(failure instanceof SupervisorConfigurationException)) {
                failure = failure.getCause();
            }
            assertThat(failure).as("a SupervisorConfigurationException, which SupervisorFailureAnalyzer reports")
                    .isNotNull();
            SupervisorConfigurationException cause = (SupervisorConfigurationException) failure;
            analysis[0] = new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
        });
        assertThat(analysis[0].getAction()).isNotBlank();
        return analysis[0];
    }

    // ------------------------------------------------------------------ applications

    /** A lock store in memory: enough for one process, which is what these tests need. */
    static final class InMemoryLockProvider implements LockProvider {

        final Map<String, String> held = new ConcurrentHashMap<>();
        final List<String> taken = new CopyOnWriteArrayList<>();
        final Map<String, LockConfiguration> lastAsked = new ConcurrentHashMap<>();

        @Override
        public Optional<SimpleLock> lock(LockConfiguration configuration) {
            String name = configuration.getName();
            lastAsked.put(name, configuration);
            if (held.putIfAbsent(name, "this instance") != null) {
                return Optional.empty();
            }
            taken.add(name);
            return Optional.of(() -> held.remove(name));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class InMemoryLocks {

        @Bean
        InMemoryLockProvider lockProvider() {
            return new InMemoryLockProvider();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AnotherLockProvider {

        @Bean
        LockProvider anotherLockProvider() {
            return new InMemoryLockProvider();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryLockProvider {

        @Bean
        @Primary
        LockProvider primaryLockProvider() {
            return new InMemoryLockProvider();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnGuards {

        final WorkerLockGuards guards = (worker, lock) -> new RunGuard() {
            @Override
            public Optional<Permit> tryAcquire(BackgroundWorker w) {
                return Optional.of(() -> { });
            }

            @Override
            public String describe() {
                return "own lock " + lock.name();
            }
        };

        @Bean
        WorkerLockGuards ownGuards() {
            return guards;
        }
    }

    static class Unlocked {

        final AtomicInteger runs = new AtomicInteger();

        @Worker(interval = "20ms")
        void tick() {
            runs.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Nightly {

        @Bean
        NightlyReport nightlyReport() {
            return new NightlyReport();
        }
    }

    static class NightlyReport {

        @Worker(name = "report", interval = "50ms", lock = "nightly-report", lockAtMostFor = "5m", lockAtLeastFor = "5s")
        void run() {
        }
    }

    static class Plain {

        final AtomicInteger runs = new AtomicInteger();

        @Worker(name = "cache", event = true, lock = "cache-rebuild")
        void rebuild() {
            runs.incrementAndGet();
        }
    }

    static class Placeholders {

        @Worker(name = "job", event = true, lock = "${jobs.lock}", lockAtMostFor = "${jobs.at-most:30s}")
        void job() {
        }
    }

    static class AsyncEvent {

        @Worker(name = "refresh", event = true, lock = "refresh")
        CompletionStage<Void> refresh() {
            return CompletableFuture.completedFuture(null);
        }
    }

    static class LockedQueue {

        @Worker(name = "orders", queue = true, lock = "orders")
        void orders(String order) {
        }
    }

    static class LockedLoop {

        @Worker(name = "loop", lock = "loop")
        boolean loop() {
            return false;
        }
    }

    static class AtLeastAboveAtMost {

        @Worker(name = "slow", event = true, lock = "slow", lockAtMostFor = "1m", lockAtLeastFor = "2m")
        void slow() {
        }
    }

    static class NotADuration {

        @Worker(name = "soon", event = true, lock = "soon", lockAtMostFor = "soon")
        void soon() {
        }
    }

    static class DurationsWithoutLock {

        @Worker(name = "unlocked", event = true, lockAtMostFor = "1m")
        void unlocked() {
        }
    }
}
