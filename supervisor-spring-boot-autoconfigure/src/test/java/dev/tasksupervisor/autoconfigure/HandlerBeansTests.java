package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.UndeliveredHandler;
import dev.tasksupervisor.worker.WorkerErrorHandler;

/** Error and undelivered-items handlers as beans: the only one for every worker, or one a worker names. */
class HandlerBeansTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=handlers-" + UUID.randomUUID().toString().substring(0, 8));

    static class Failing {
        @Worker(event = true)
        void alarm() {
            throw new IllegalStateException("alarm failed");
        }

        @Worker(event = true)
        void siren() {
            throw new IllegalStateException("siren failed");
        }
    }

    /** Records, per handler bean, which worker failed with what message. */
    @Configuration(proxyBeanMethods = false)
    static class ErrorHandlers {
        final Map<String, List<String>> seen = new ConcurrentHashMap<>();

        @Bean
        WorkerErrorHandler pager() {
            return recording("pager");
        }

        WorkerErrorHandler recording(String handler) {
            return (BackgroundWorker worker, Throwable error) -> seen.computeIfAbsent(handler, h -> new CopyOnWriteArrayList<>())
                    .add(worker.getName() + ": " + error.getMessage());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoErrorHandlers extends ErrorHandlers {
        @Bean
        WorkerErrorHandler mailer() {
            return recording("mailer");
        }
    }

    @Test
    void theOnlyErrorHandlerBeanIsToldOfTheFailuresOfEveryMethodWorker() {
        contextRunner.withUserConfiguration(Failing.class, ErrorHandlers.class).run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            supervisor.trigger("alarm");
            supervisor.trigger("siren");
            Map<String, List<String>> seen = context.getBean(ErrorHandlers.class).seen;
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.getOrDefault("pager", List.of()).size() == 2);
            assertThat(seen.get("pager")).containsExactlyInAnyOrder("alarm: alarm failed", "siren: siren failed");
        });
    }

    @Test
    void withSeveralErrorHandlerBeansAWorkerTakesTheOneItNamesAndTheOthersKeepTheDefault() {
        contextRunner.withUserConfiguration(Failing.class, TwoErrorHandlers.class)
                .withPropertyValues("supervisor.workers.siren.error-handler=mailer").run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    supervisor.trigger("siren");
                    supervisor.trigger("alarm");
                    Map<String, List<String>> seen = context.getBean(TwoErrorHandlers.class).seen;
                    await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsKey("mailer"));
                    await().atMost(Duration.ofSeconds(10)).until(() ->
                            supervisor.getWorker("alarm").info().failures() == 1);
                    assertThat(seen).containsOnlyKeys("mailer");
                    assertThat(seen.get("mailer")).containsExactly("siren: siren failed");
                });
    }

    @Test
    void anErrorHandlerNamedOnTheAnnotationThatIsNoBeanFailsTheStartNamingTheAttribute() {
        FailureAnalysis analysis = SupervisorFailureAnalyzerTests.analyze(
                contextRunner.withUserConfiguration(NamesAMissingHandler.class));
        assertThat(analysis.getDescription()).contains("names bean 'nobody' as the error handler of worker 'tick'")
                .contains("errorHandler");
    }

    static class NamesAMissingHandler {
        @Worker(event = true, errorHandler = "nobody")
        void tick() {
        }
    }

    /** A queue worker whose first item holds its run until released. */
    @Configuration(proxyBeanMethods = false)
    static class SlowQueue {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> undelivered = new CopyOnWriteArrayList<>();

        @Worker(queue = true)
        void slow(String item) throws InterruptedException {
            started.countDown();
            release.await(30, TimeUnit.SECONDS);
        }

        @Bean
        UndeliveredHandler<String> keepForNextStart() {
            return (worker, items) -> items.forEach(item -> undelivered.add(worker + ":" + item));
        }
    }

    @Test
    void theOnlyUndeliveredHandlerBeanReceivesTheItemsAStopCouldNotHandleInTime() throws InterruptedException {
        SlowQueue[] slow = new SlowQueue[1];
        contextRunner.withUserConfiguration(SlowQueue.class).withPropertyValues("supervisor.shutdown.timeout=200ms")
                .run(context -> {
                    slow[0] = context.getBean(SlowQueue.class);
                    var queue = context.getBean(TaskSupervisor.class).getQueueWorker("slow", String.class);
                    queue.put("first");
                    assertThat(slow[0].started.await(10, TimeUnit.SECONDS)).isTrue();
                    queue.put("second");
                    queue.put("third");
                });
        slow[0].release.countDown();
        assertThat(slow[0].undelivered).contains("slow:second", "slow:third");
    }

    @Test
    void aSharedErrorHandlerBeanLeavesAWorkerBeanWithItsOwnHandler() {
        contextRunner.withUserConfiguration(ErrorHandlers.class, OwnHandlerWorker.class).run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            supervisor.trigger("own");
            OwnHandlerWorker worker = context.getBean(OwnHandlerWorker.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !worker.seen.isEmpty());
            assertThat(context.getBean(ErrorHandlers.class).seen).isEmpty();
        });
    }

    /** A worker bean that set its own error handler in code. */
    static class OwnHandlerWorker extends EventWorker {
        final List<Throwable> seen = new CopyOnWriteArrayList<>();

        OwnHandlerWorker(TaskSupervisor supervisor) {
            super(supervisor, "own", (input, context) -> {
                throw new IllegalStateException("own failed");
            });
            setErrorHandler((worker, error) -> seen.add(error));
        }
    }
}
