package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Retry;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.DeadLetter;
import dev.tasksupervisor.worker.DeadLetterHandler;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.RetryPolicy;

/**
 * Failures under Spring: a queue worker's retries from {@code @Worker(retry)} and properties, its dead-letter
 * beans and growth warning, and any worker's run timeout.
 */
class FailurePolicyConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=failures-" + UUID.randomUUID().toString().substring(0, 8));

    @Test
    void retryOnTheAnnotationRunsAFailedItemAgainUntilItSucceeds() {
        contextRunner.withUserConfiguration(Flaky.class).run(context -> {
            QueueWorker<String> worker = queue(context.getBean(TaskSupervisor.class), "ship");
            assertThat(worker.getRetryPolicy().maxRetries()).isEqualTo(2);
            assertThat(worker.getRetryPolicy().delay()).isEqualTo(Duration.ofMillis(10));
            assertThat(worker.getRetryPolicy().includes()).containsExactly(UncheckedIOException.class);
            worker.put("parcel");
            Flaky flaky = context.getBean(Flaky.class);
            await().until(() -> flaky.shipped.contains("parcel"));
            assertThat(flaky.runs.get("parcel")).hasValue(3);
            assertThat(worker.getDeadLetters()).isEmpty();
        });
    }

    @Test
    void withoutRetryAFailedItemIsKeptAsADeadLetter() {
        contextRunner.withUserConfiguration(Failing.class).run(context -> {
            QueueWorker<String> worker = queue(context.getBean(TaskSupervisor.class), "refuse");
            assertThat(worker.getRetryPolicy()).isSameAs(RetryPolicy.none());
            worker.put("x");
            await().until(() -> worker.getDeadLetterCount() == 1);
            assertThat(worker.getDeadLetters()).extracting(DeadLetter::item).containsExactly("x");
        });
    }

    @Test
    void propertiesOverrideTheAnnotationPartByPart() {
        contextRunner.withUserConfiguration(Flaky.class).withPropertyValues("supervisor.workers.ship.retry.max-retries=5",
                "supervisor.workers.ship.retry.max-delay=2s", "supervisor.workers.ship.retry.jitter=5ms",
                "supervisor.workers.ship.retry.excludes=java.lang.IllegalArgumentException").run(context -> {
                    RetryPolicy policy = queue(context.getBean(TaskSupervisor.class), "ship").getRetryPolicy();
                    assertThat(policy.maxRetries()).isEqualTo(5);
                    assertThat(policy.delay()).isEqualTo(Duration.ofMillis(10)); // the annotation's
                    assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(policy.jitter()).isEqualTo(Duration.ofMillis(5));
                    assertThat(policy.includes()).containsExactly(UncheckedIOException.class);
                    assertThat(policy.excludes()).containsExactly(IllegalArgumentException.class);
                });
    }

    @Test
    void anyRetryPropertyTurnsRetriesOnWithTheDefaultsForTheRest() {
        contextRunner.withUserConfiguration(Failing.class).withPropertyValues("supervisor.workers.refuse.retry.delay=20ms")
                .run(context -> {
                    RetryPolicy policy = queue(context.getBean(TaskSupervisor.class), "refuse").getRetryPolicy();
                    assertThat(policy.maxRetries()).isEqualTo(3);
                    assertThat(policy.delay()).isEqualTo(Duration.ofMillis(20));
                    assertThat(policy.multiplier()).isEqualTo(2.0);
                    assertThat(policy.maxDelay()).isEqualTo(Duration.ofMinutes(1));
                });
        contextRunner.withUserConfiguration(Flaky.class).withPropertyValues("supervisor.workers.ship.retry.max-retries=0")
                .run(context -> assertThat(queue(context.getBean(TaskSupervisor.class), "ship").getRetryPolicy()
                        .maxRetries()).isZero());
    }

    @Test
    void theOneDeadLetterHandlerBeanReceivesTheLettersOfEveryQueueWorker() {
        contextRunner.withUserConfiguration(Failing.class, Flaky.class, SharedHandler.class)
                .withPropertyValues("supervisor.workers.ship.retry.max-retries=0").run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    queue(supervisor, "refuse").put("a");
                    queue(supervisor, "ship").put("b");
                    List<DeadLetter<Object>> letters = context.getBean(SharedHandler.class).letters;
                    await().until(() -> letters.size() == 2);
                    assertThat(letters).extracting(DeadLetter::worker, DeadLetter::item).containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("refuse", "a"), org.assertj.core.groups.Tuple.tuple("ship", "b"));
                    assertThat(queue(supervisor, "refuse").getDeadLetters()).isEmpty(); // the handler's now
                });
    }

    @Test
    void aWorkerNamesItsOwnHandlerBeanByAttributeOrProperty() {
        contextRunner.withUserConfiguration(NamedHandlers.class).withPropertyValues(
                "supervisor.workers.second.dead-letter-handler=secondLetters").run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    queue(supervisor, "first").put("1");
                    queue(supervisor, "second").put("2");
                    NamedHandlers handlers = context.getBean(NamedHandlers.class);
                    await().until(() -> handlers.first.size() == 1 && handlers.second.size() == 1);
                    assertThat(handlers.first).extracting(DeadLetter::item).containsExactly("1");
                    assertThat(handlers.second).extracting(DeadLetter::item).containsExactly("2");
                });
    }

    @Test
    void theDeadLetterCapacityProperty() {
        contextRunner.withUserConfiguration(Failing.class).withPropertyValues(
                "supervisor.workers.refuse.dead-letter-capacity=1").run(context -> {
                    QueueWorker<String> worker = queue(context.getBean(TaskSupervisor.class), "refuse");
                    worker.put("old");
                    worker.put("new");
                    await().until(() -> worker.getDeadLetterCount() == 2);
                    assertThat(worker.getDeadLetters()).extracting(DeadLetter::item).containsExactly("new");
                });
    }

    @Test
    void theQueueSizeWarningProperty() {
        contextRunner.withUserConfiguration(Failing.class).withPropertyValues(
                "supervisor.workers.refuse.queue-size-warning=0").run(context -> assertThat(
                        queue(context.getBean(TaskSupervisor.class), "refuse").getQueueSizeWarning()).isZero());
        FailureAnalysis negative = SupervisorFailureAnalyzerTests.analyze(contextRunner.withUserConfiguration(Failing.class)
                .withPropertyValues("supervisor.workers.refuse.queue-size-warning=-5"));
        assertThat(negative.getDescription()).isEqualTo("supervisor.workers.refuse.queue-size-warning is -5, but it "
                + "cannot be negative.");
        assertThat(negative.getAction()).isEqualTo("Set supervisor.workers.refuse.queue-size-warning to 0 or more (0 "
                + "turns the warning off).");
    }

    @Test
    void aRunTimeoutFromTheAnnotationAndFromItsProperty() {
        contextRunner.withUserConfiguration(Timed.class).run(context -> assertThat(
                context.getBean(TaskSupervisor.class).getWorker("export").getRunTimeout()).isEqualTo(Duration.ofSeconds(30)));
        contextRunner.withUserConfiguration(Timed.class).withPropertyValues("export.timeout=50ms").run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            supervisor.getWorker("export", dev.tasksupervisor.worker.EventWorker.class).trigger();
            await().until(() -> supervisor.getWorker("export").getFailures() == 1); // the hour-long run, cut short
        });
        contextRunner.withUserConfiguration(Timed.class).withPropertyValues("supervisor.workers.export.run-timeout=2m")
                .run(context -> assertThat(context.getBean(TaskSupervisor.class).getWorker("export").getRunTimeout())
                        .isEqualTo(Duration.ofMinutes(2)));
        FailureAnalysis zero = SupervisorFailureAnalyzerTests.analyze(contextRunner.withUserConfiguration(Timed.class)
                .withPropertyValues("supervisor.workers.export.run-timeout=0s"));
        assertThat(zero.getDescription()).isEqualTo("supervisor.workers.export.run-timeout is PT0S, but it must be "
                + "positive.");
    }

    // ------------------------------------------------------------------ bad configuration

    @Test
    void aHandlerBeanThatDoesNotExist() {
        FailureAnalysis analysis = SupervisorFailureAnalyzerTests.analyze(contextRunner.withUserConfiguration(Failing.class)
                .withPropertyValues("supervisor.workers.refuse.dead-letter-handler=nowhere"));
        assertThat(analysis.getDescription()).isEqualTo("supervisor.workers.refuse.dead-letter-handler names bean "
                + "'nowhere' as the dead-letter handler of worker 'refuse', but there is no bean of that name.");
        assertThat(analysis.getAction()).isEqualTo("Name one of the application's DeadLetterHandler beans ([]), or define "
                + "one named 'nowhere'.");
    }

    @Test
    void aHandlerBeanOfAnotherType() {
        FailureAnalysis analysis = SupervisorFailureAnalyzerTests.analyze(contextRunner
                .withUserConfiguration(Failing.class, SharedHandler.class)
                .withBean("notAHandler", String.class, () -> "text")
                .withPropertyValues("supervisor.workers.refuse.dead-letter-handler=notAHandler"));
        assertThat(analysis.getDescription()).isEqualTo("supervisor.workers.refuse.dead-letter-handler names bean "
                + "'notAHandler' as the dead-letter handler of worker 'refuse', but it is a java.lang.String, not a "
                + "DeadLetterHandler.");
        assertThat(analysis.getAction()).isEqualTo("Name a DeadLetterHandler bean (the application's: [sharedLetters]), "
                + "or make the bean implement dev.tasksupervisor.worker.DeadLetterHandler.");
    }

    @Test
    void retriesOnAWorkerWithoutAQueue() {
        FailureAnalysis analysis = SupervisorFailureAnalyzerTests.analyze(contextRunner.withUserConfiguration(Tick.class)
                .withPropertyValues("supervisor.workers.tick.retry.max-retries=3"));
        assertThat(analysis.getDescription()).isEqualTo("supervisor.workers.tick.retry.max-retries is set, but worker "
                + "'tick' (method " + Tick.class.getName() + ".tick() of bean 'failurePolicyConfigurationTests.Tick') is an "
                + "interval worker: the setting applies to queue workers only.");
    }

    @Test
    void badRetryValuesNameWhereTheyCameFrom() {
        FailureAnalysis negative = SupervisorFailureAnalyzerTests.analyze(contextRunner.withUserConfiguration(Failing.class)
                .withPropertyValues("supervisor.workers.refuse.retry.max-retries=-1"));
        assertThat(negative.getDescription()).isEqualTo("supervisor.workers.refuse.retry.max-retries is -1, but it cannot "
                + "be negative.");
        assertThat(negative.getAction()).isEqualTo("Set supervisor.workers.refuse.retry.max-retries to 0 or more (0 "
                + "retries nothing).");
        FailureAnalysis above = SupervisorFailureAnalyzerTests.analyze(contextRunner.withUserConfiguration(Failing.class)
                .withPropertyValues("supervisor.workers.refuse.retry.delay=5m"));
        assertThat(above.getDescription()).isEqualTo("supervisor.workers.refuse.retry.delay makes the retry delay (PT5M) "
                + "longer than the longest retry delay (PT1M).");
        assertThat(above.getAction()).isEqualTo("Lower the retry delay, or raise the max-delay (maxDelay), so that delay "
                + "<= max-delay.");
        FailureAnalysis word = SupervisorFailureAnalyzerTests.analyze(contextRunner.withUserConfiguration(WordDelay.class));
        assertThat(word.getDescription()).isEqualTo("@Worker(retry = @Retry(delay = \"soon\")) on method "
                + WordDelay.class.getName() + ".refuse(String) of bean 'failurePolicyConfigurationTests.WordDelay' "
                + "is not a duration.");
    }

    // ------------------------------------------------------------------ applications

    @SuppressWarnings("unchecked")
    private static QueueWorker<String> queue(TaskSupervisor supervisor, String name) {
        return supervisor.getWorker(name, QueueWorker.class);
    }

    @Configuration(proxyBeanMethods = false)
    static class Flaky {

        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        final List<String> shipped = new CopyOnWriteArrayList<>();

        @Worker(queue = true, retry = @Retry(maxRetries = 2, delay = "10ms", maxDelay = "100ms",
                includes = UncheckedIOException.class))
        void ship(String parcel) {
            if (runs.computeIfAbsent(parcel, p -> new AtomicInteger()).incrementAndGet() <= 2) {
                throw new UncheckedIOException(new IOException("carrier down"));
            }
            shipped.add(parcel);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Failing {

        @Worker(queue = true)
        void refuse(String item) {
            throw new IllegalStateException("never " + item);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Timed {

        @Worker(event = true, runTimeout = "${export.timeout:30s}")
        void export() throws InterruptedException {
            Thread.sleep(Duration.ofHours(1).toMillis());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WordDelay {

        @Worker(queue = true, retry = @Retry(delay = "soon"))
        void refuse(String item) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Tick {

        @Worker(interval = "1h")
        void tick() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SharedHandler {

        final List<DeadLetter<Object>> letters = new CopyOnWriteArrayList<>();

        @Bean
        DeadLetterHandler<Object> sharedLetters() {
            return letters::add;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NamedHandlers {

        final List<DeadLetter<String>> first = new CopyOnWriteArrayList<>();
        final List<DeadLetter<String>> second = new CopyOnWriteArrayList<>();

        @Worker(queue = true, deadLetterHandler = "firstLetters")
        void first(String item) {
            throw new IllegalStateException("no");
        }

        @Worker(queue = true)
        void second(String item) {
            throw new IllegalStateException("no");
        }

        @Bean
        DeadLetterHandler<String> firstLetters() {
            return first::add;
        }

        @Bean
        DeadLetterHandler<String> secondLetters() {
            return second::add;
        }
    }
}
