package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.WorkerContext;

/**
 * The catalogue of bad Spring configuration (issue #7, "Bad input"): each case fails start-up with a
 * failure analysis whose description names the property, bean or method and whose action says how to fix
 * it; values that Spring Boot cannot even bind (a word where a number or a duration belongs) are reported by
 * Boot's own analysis, naming the property and the value. The same cases at the core API are in
 * {@code BadInputTest}; further start-up failures (proxies, placeholders, settings of another kind) are in
 * {@link SupervisorFailureAnalyzerTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class,
                    SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=bad-" + UUID.randomUUID().toString().substring(0, 8));

    @Nested
    class PoolProperties {

        @Test
        void negativeMinSize() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.pool.min-size=-1"));
            assertThat(analysis.getDescription()).isEqualTo("supervisor.pool.min-size is -1, but it cannot be negative.");
            assertThat(analysis.getAction())
                    .isEqualTo("Set supervisor.pool.min-size to 0 or more (0 keeps no idle thread; max keeps them all).");
        }

        @Test
        void aShutdownPhaseWithNoTimeLeavesNoTimeToDrain() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues(
                    "spring.lifecycle.timeout-per-shutdown-phase=0s"));
            assertThat(analysis.getDescription()).isEqualTo("spring.lifecycle.timeout-per-shutdown-phase is PT0S: the "
                    + "supervisor would get no time to drain its queues when the application stops.");
            assertThat(analysis.getAction())
                    .isEqualTo("Set spring.lifecycle.timeout-per-shutdown-phase to a positive duration, such as 30s.");
        }

        @Test
        void zeroOrNegativeMaxSize() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.pool.max-size=-2"));
            assertThat(analysis.getDescription())
                    .isEqualTo("supervisor.pool.max-size is -2, but the pool needs at least one thread.");
            assertThat(analysis.getAction())
                    .isEqualTo("Set supervisor.pool.max-size to 1 or more, or remove it to get the default (CPUs x 5).");
            assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.max-size=0")).getDescription())
                    .isEqualTo("supervisor.pool.max-size is 0, but the pool needs at least one thread.");
        }

        @Test
        void negativePriorityLimits() {
            FailureAnalysis poolSize = analyze(contextRunner.withPropertyValues("supervisor.pool.pool-size=-1"));
            assertThat(poolSize.getDescription()).isEqualTo("supervisor.pool.pool-size is -1, but it cannot be negative.");
            assertThat(poolSize.getAction())
                    .isEqualTo("Set supervisor.pool.pool-size to 0 or more (0 switches priorities off).");
            FailureAnalysis reserve = analyze(contextRunner.withPropertyValues("supervisor.pool.reserve-normal=-4"));
            assertThat(reserve.getDescription())
                    .isEqualTo("supervisor.pool.reserve-normal is -4, but it cannot be negative.");
            assertThat(reserve.getAction()).isEqualTo("Set supervisor.pool.reserve-normal to 0 or more (0 reserves no slot).");
        }

        @Test
        void minSizeAboveMaxSize() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.pool.min-size=8",
                    "supervisor.pool.max-size=4"));
            assertThat(analysis.getDescription())
                    .isEqualTo("supervisor.pool.min-size (8) is above supervisor.pool.max-size (4).");
            assertThat(analysis.getAction()).isEqualTo("Lower supervisor.pool.min-size to at most 4, raise "
                    + "supervisor.pool.max-size, or set min-size to max to keep every thread.");
        }

        @Test
        void minSizeThatIsNeitherANumberNorMax() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.pool.min-size=foo"));
            assertThat(analysis.getDescription())
                    .isEqualTo("supervisor.pool.min-size is 'foo', which is neither a number of threads nor 'max'.");
            assertThat(analysis.getAction()).isEqualTo("Set supervisor.pool.min-size to a number (0 or more) or to max.");
        }

        @Test
        void minSizeMaxStillKeepsEveryThread() {
            for (String max : List.of("max", "MAX", " max ")) {
                contextRunner.withPropertyValues("supervisor.pool.min-size=" + max, "supervisor.pool.max-size=3")
                        .run(context -> {
                            assertThat(context).hasNotFailed();
                            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                            assertThat(supervisor.getPoolSettings().minSize()).isEqualTo(3);
                            assertThat(supervisor.poolInfo().minSize()).isEqualTo(3);
                        });
            }
        }

        @Test
        void maxSizeThatIsNoNumberIsReportedBySpringBootNamingThePropertyAndTheValue(CapturedOutput output) {
            assertThatException().isThrownBy(() -> run("--supervisor.pool.max-size=foo"));
            assertThat(output).contains("APPLICATION FAILED TO START")
                    .contains("Failed to bind properties under 'supervisor.pool.max-size' to java.lang.Integer")
                    .contains("Value: \"foo\"")
                    .contains("Update your application's configuration");
        }

        @Test
        void zeroOrNegativeDurations() {
            FailureAnalysis checkInterval = analyze(contextRunner.withPropertyValues("supervisor.pool.check-interval=0s"));
            assertThat(checkInterval.getDescription())
                    .isEqualTo("supervisor.pool.check-interval is PT0S, but it must be positive.");
            assertThat(checkInterval.getAction())
                    .isEqualTo("Set supervisor.pool.check-interval to a positive duration, such as 500ms or 10s.");
            FailureAnalysis keepAlive = analyze(contextRunner.withPropertyValues("supervisor.pool.keep-alive=-1s"));
            assertThat(keepAlive.getDescription()).isEqualTo("supervisor.pool.keep-alive is PT-1S, but it cannot be negative.");
            assertThat(keepAlive.getAction())
                    .isEqualTo("Set supervisor.pool.keep-alive to 0 or a positive duration, such as 10ms or 5s.");
            assertThat(analyze(contextRunner.withPropertyValues("supervisor.poll-delay=-5ms")).getDescription())
                    .isEqualTo("supervisor.poll-delay is PT-0.005S, but it cannot be negative.");
        }
    }

    @Nested
    class Aloops {

        @Test
        void reservedAloopName() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues(
                    "supervisor.aloops.__supervisor__.default=true"));
            assertThat(analysis.getDescription()).isEqualTo("supervisor.aloops.__supervisor__ uses the aloop name "
                    + "'__supervisor__', which is reserved for the supervisor's own loop.");
            assertThat(analysis.getAction()).isEqualTo("Choose another name for the aloop.");
        }

        @Test
        void aloopNamesThatWouldShareABean() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.aloops.slow-io.daemon=true",
                    "supervisor.aloops.slow_io.daemon=true"));
            assertThat(analysis.getDescription())
                    .isEqualTo("Aloops 'slow-io' and 'slow_io' (supervisor.aloops) would both be the bean 'slowIoAloop'.");
            assertThat(analysis.getAction())
                    .isEqualTo("Rename one of them so that they differ in more than punctuation and case.");
        }

        @Test
        void twoDefaultAloops() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.aloops.a.default=true",
                    "supervisor.aloops.b.default=true"));
            assertThat(analysis.getDescription()).isEqualTo("Aloops [a, b] are all marked as the default "
                    + "(supervisor.aloops.<name>.default=true), but there can be only one.");
            assertThat(analysis.getAction()).isEqualTo("Set supervisor.aloops.<name>.default=true on one aloop only.");
        }

        @Test
        void unknownAloopInTheAnnotation() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.aloops.io.default=true",
                    "supervisor.id=without-nowhere").withBean("jobs", OnMissingAloop.class));
            assertThat(analysis.getDescription()).isEqualTo("@Worker(aloop = \"nowhere\") on method "
                    + OnMissingAloop.class.getName() + ".poll() of bean 'jobs' names aloop 'nowhere', which task "
                    + "supervisor 'without-nowhere' does not have (its aloops: [io]).");
            assertThat(analysis.getAction()).isEqualTo("Configure the aloop with supervisor.aloops.nowhere.*, or name "
                    + "one of the existing aloops.");
        }

        @Test
        void unknownAloopInTheProperties() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.aloops.io.default=true",
                    "supervisor.workers.poll.aloop=elsewhere").withBean("jobs", AsyncJob.class));
            assertThat(analysis.getDescription()).startsWith("supervisor.workers.poll.aloop names aloop 'elsewhere', "
                    + "which task supervisor '").endsWith("' does not have (its aloops: [io]).");
            assertThat(analysis.getAction()).isEqualTo("Configure the aloop with supervisor.aloops.elsewhere.*, or "
                    + "name one of the existing aloops.");
        }

        @Test
        void aloopOnASyncWorker() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.aloops.io.default=true",
                    "supervisor.workers.tick.aloop=io").withBean("jobs", Tick.class));
            assertThat(analysis.getDescription()).isEqualTo("supervisor.workers.tick.aloop is set, but worker 'tick' "
                    + "(method " + Tick.class.getName() + ".tick() of bean 'jobs') is an interval worker: the setting "
                    + "applies to async workers (their method returns a CompletionStage) only.");
            assertThat(analysis.getAction()).isEqualTo("Remove the setting, or change the worker's kind.");
        }
    }

    @Nested
    class Backoff {

        @Test
        void backoffOnAQueueWorker() {
            FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.workers.ship.backoff.initial=1s")
                    .withBean("jobs", Ship.class));
            assertThat(analysis.getDescription()).isEqualTo("supervisor.workers.ship.backoff.initial is set, but worker "
                    + "'ship' (method " + Ship.class.getName() + ".ship(String) of bean 'jobs') is a queue worker: the "
                    + "setting applies to workers without a queue (a queue worker retries each failed item by its "
                    + "retry.* settings instead) only.");
            assertThat(analysis.getAction()).isEqualTo("Remove the setting, or change the worker's kind.");
        }

        @Test
        void aMultiplierBelowOneAndAMaxBelowTheInitialWait() {
            FailureAnalysis multiplier = analyze(contextRunner.withPropertyValues("supervisor.aloops.io.default=true",
                    "supervisor.workers.poll.backoff.multiplier=0.5").withBean("jobs", AsyncJob.class));
            assertThat(multiplier.getDescription()).isEqualTo("supervisor.workers.poll.backoff.multiplier is not valid: "
                    + "backoff multiplier must be at least 1, was 0.5: set it to 1 (the same wait each time) or more, "
                    + "such as 2.");
            FailureAnalysis max = analyze(contextRunner.withPropertyValues("supervisor.aloops.io.default=true",
                    "supervisor.workers.poll.backoff.max=50ms").withBean("jobs", AsyncJob.class));
            assertThat(max.getDescription()).isEqualTo("supervisor.workers.poll.backoff.max is not valid: backoff "
                    + "initial (PT0.1S) must not be above backoff max (PT0.05S): lower backoff initial or raise backoff "
                    + "max.");
        }
    }

    @Nested
    class Schedules {

        @Test
        void zeroInterval() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", ZeroInterval.class));
            assertThat(analysis.getDescription()).isEqualTo("@Worker(interval = \"0s\") on method "
                    + ZeroInterval.class.getName() + ".tick() of bean 'jobs' is PT0S, but it must be positive.");
            assertThat(analysis.getAction()).isEqualTo("Set it to a positive duration, such as 500ms or 10s.");
        }

        @Test
        void negativeInterval() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", NegativeInterval.class));
            assertThat(analysis.getDescription()).isEqualTo("@Worker(interval = \"-1s\") on method "
                    + NegativeInterval.class.getName() + ".tick() of bean 'jobs' is PT-1S, but it must be positive.");
            assertThat(analysis.getAction()).isEqualTo("Set it to a positive duration, such as 500ms or 10s.");
        }

        @Test
        void zeroDelay() {
            assertThat(analyze(contextRunner.withBean("jobs", ZeroDelay.class)).getDescription())
                    .isEqualTo("@Worker(delay = \"0ms\") on method " + ZeroDelay.class.getName()
                            + ".tick() of bean 'jobs' is PT0S, but it must be positive.");
        }

        @Test
        void intervalThatIsNoDuration() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", WordInterval.class));
            assertThat(analysis.getDescription()).isEqualTo("@Worker(interval = \"abc\") on method "
                    + WordInterval.class.getName() + ".tick() of bean 'jobs' is not a duration.");
            assertThat(analysis.getAction()).isEqualTo("Use a Spring Boot duration such as 500ms, 10s, 5m or PT10S "
                    + "(a bare number means milliseconds).");
        }

        @Test
        void intervalWithDelay() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", IntervalAndDelay.class));
            assertThat(analysis.getDescription()).isEqualTo("@Worker on method " + IntervalAndDelay.class.getName()
                    + ".tick() of bean 'jobs' sets both interval (PT1S) and delay (PT2S).");
            assertThat(analysis.getAction()).isEqualTo("Keep interval for runs at a fixed rate, or delay for a pause "
                    + "after each run; not both.");
        }

        @Test
        void zeroOrNegativeIntervalInTheProperties() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", Tick.class)
                    .withPropertyValues("supervisor.workers.tick.interval=0s"));
            assertThat(analysis.getDescription()).isEqualTo("supervisor.workers.tick.interval is PT0S, but it must be positive.");
            assertThat(analysis.getAction())
                    .isEqualTo("Set supervisor.workers.tick.interval to a positive duration, such as 500ms or 10s.");
            assertThat(analyze(contextRunner.withBean("jobs", Tick.class)
                    .withPropertyValues("supervisor.workers.tick.initial-delay=-1s")).getDescription())
                    .isEqualTo("supervisor.workers.tick.initial-delay is PT-1S, but it cannot be negative.");
        }

        @Test
        void intervalWithDelayInTheProperties() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", Tick.class)
                    .withPropertyValues("supervisor.workers.tick.interval=1s", "supervisor.workers.tick.delay=2s"));
            assertThat(analysis.getDescription()).isEqualTo("supervisor.workers.tick.interval (PT1S) and "
                    + "supervisor.workers.tick.delay (PT2S) are both set.");
            assertThat(analysis.getAction()).isEqualTo("Keep supervisor.workers.tick.interval for runs at a fixed rate, "
                    + "or supervisor.workers.tick.delay for a pause after each run; not both.");
        }

        @Test
        void intervalPropertyThatIsNoDurationIsReportedBySpringBoot(CapturedOutput output) {
            assertThatException().isThrownBy(() -> run("--supervisor.workers.tick.interval=abc"));
            assertThat(output).contains("APPLICATION FAILED TO START")
                    .contains("Failed to bind properties under 'supervisor.workers.tick.interval' to java.time.Duration")
                    .contains("Value: \"abc\"");
        }
    }

    @Nested
    class WorkerNames {

        @Test
        void twoMethodsOfTwoBeansWithOneName() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", Tick.class)
                    .withBean("otherJobs", AnotherTick.class));
            assertThat(analysis.getDescription()).isEqualTo("Two workers are named 'tick': method "
                    + Tick.class.getName() + ".tick() of bean 'jobs' and method " + AnotherTick.class.getName()
                    + ".refresh() of bean 'otherJobs'.");
            assertThat(analysis.getAction()).isEqualTo("Give one of them another name: @Worker(name = \"...\") on a "
                    + "method, or the name a worker bean passes to its constructor.");
        }
    }

    @Nested
    class Signatures {

        @Test
        void twoInputs() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", TwoInputs.class));
            assertThat(analysis.getDescription()).isEqualTo("Method " + TwoInputs.class.getName()
                    + ".take(String, Integer) of bean 'jobs' takes two inputs, String and Integer, but a worker hands "
                    + "its method at most one (the queue item or the batch) besides a WorkerContext.");
            assertThat(analysis.getAction()).isEqualTo("Remove one of the parameters.");
        }

        @Test
        void twoContexts() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", TwoContexts.class));
            assertThat(analysis.getDescription()).isEqualTo("Method " + TwoContexts.class.getName()
                    + ".refresh(WorkerContext, WorkerContext) of bean 'jobs' takes two WorkerContext parameters.");
            assertThat(analysis.getAction()).isEqualTo("Keep one WorkerContext parameter.");
        }

        @Test
        void inputForAKindThatHasNone() {
            FailureAnalysis interval = analyze(contextRunner.withBean("jobs", IntervalWithInput.class));
            assertThat(interval.getDescription()).isEqualTo("Method " + IntervalWithInput.class.getName()
                    + ".tick(String) of bean 'jobs' takes a String, but interval workers hand their method no input.");
            assertThat(interval.getAction()).isEqualTo("Remove the parameter (a WorkerContext parameter is allowed), or "
                    + "make it a queue worker with @Worker(queue = true) to get each queued item.");
            assertThat(analyze(contextRunner.withBean("jobs", PlainWithInput.class)).getDescription())
                    .endsWith("takes a Long, but plain workers hand their method no input.");
            assertThat(analyze(contextRunner.withBean("jobs", AsyncWithInput.class)
                    .withPropertyValues("supervisor.aloops.io.default=true")).getDescription())
                    .endsWith("takes a String, but async workers hand their method no input.");
        }

        @Test
        void queueMethodWithoutItem() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", QueueWithoutItem.class));
            assertThat(analysis.getDescription()).isEqualTo("Method " + QueueWithoutItem.class.getName()
                    + ".take() of bean 'jobs' has no parameter for the item its queue worker hands it.");
            assertThat(analysis.getAction())
                    .isEqualTo("Add one parameter for the queued item (and optionally a WorkerContext).");
        }

        @Test
        void batchWithoutList() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", BatchWithoutList.class));
            assertThat(analysis.getDescription()).isEqualTo("Method " + BatchWithoutList.class.getName()
                    + ".store(String) of bean 'jobs' takes a String, but a batch queue worker hands its method a List "
                    + "of items.");
            assertThat(analysis.getAction()).isEqualTo("Take a List parameter (List<String>), or remove the batch size "
                    + "to get one item per call.");
            assertThat(analyze(contextRunner.withBean("jobs", BatchOfArrayList.class)).getDescription())
                    .contains(".store(ArrayList) of bean 'jobs' takes a ArrayList, but a batch queue worker hands its "
                            + "method a List of items.");
        }

        @Test
        void batchWithoutAnyParameter() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", BatchWithoutParameter.class));
            assertThat(analysis.getDescription()).isEqualTo("Method " + BatchWithoutParameter.class.getName()
                    + ".store() of bean 'jobs' has no parameter for the batch its batch queue worker hands it.");
            assertThat(analysis.getAction()).isEqualTo("Add a List parameter for the batch (and optionally a WorkerContext).");
        }

        @Test
        void resultAWorkerCannotUse() {
            FailureAnalysis analysis = analyze(contextRunner.withBean("jobs", WrongResult.class));
            assertThat(analysis.getDescription()).isEqualTo("Method " + WrongResult.class.getName()
                    + ".answer() of bean 'jobs' returns java.lang.String, which a worker cannot use.");
            assertThat(analysis.getAction()).isEqualTo("Return void, boolean (false stops the worker) or a "
                    + "CompletionStage (an async target, run on an aloop).");
            assertThat(analyze(contextRunner.withBean("jobs", IntResult.class)).getDescription())
                    .endsWith(".count() of bean 'jobs' returns int, which a worker cannot use.");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Runs the context, expects it to fail, and analyzes the failure as Spring Boot would. */
    private static FailureAnalysis analyze(ApplicationContextRunner runner) {
        return SupervisorFailureAnalyzerTests.analyze(runner);
    }

    /** Runs a whole application, so that Spring Boot's own failure analyzers report what it cannot bind. */
    private static void run(String... args) {
        SpringApplication application = new SpringApplication(BadApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--supervisor.id=bad-app");
        application.run(all.toArray(String[]::new));
    }

    // ------------------------------------------------------------------ misconfigured applications

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(SupervisorAutoConfiguration.class)
    static class BadApplication {

        @Bean
        Tick jobs() {
            return new Tick();
        }
    }

    static class Tick {

        @Worker(interval = "1h")
        void tick() {
        }
    }

    static class AnotherTick {

        @Worker(name = "tick", event = true)
        void refresh() {
        }
    }

    static class AsyncJob {

        @Worker
        CompletionStage<Void> poll() {
            return CompletableFuture.completedFuture(null);
        }
    }

    static class OnMissingAloop {

        @Worker(aloop = "nowhere")
        CompletionStage<Void> poll() {
            return CompletableFuture.completedFuture(null);
        }
    }

    static class ZeroInterval {

        @Worker(interval = "0s")
        void tick() {
        }
    }

    static class NegativeInterval {

        @Worker(interval = "-1s")
        void tick() {
        }
    }

    static class ZeroDelay {

        @Worker(delay = "0ms")
        void tick() {
        }
    }

    static class WordInterval {

        @Worker(interval = "abc")
        void tick() {
        }
    }

    static class IntervalAndDelay {

        @Worker(interval = "1s", delay = "2s")
        void tick() {
        }
    }

    static class Ship {

        @Worker(queue = true)
        void ship(String parcel) {
        }
    }

    static class TwoInputs {

        @Worker(queue = true)
        void take(String one, Integer two) {
        }
    }

    static class TwoContexts {

        @Worker(event = true)
        void refresh(WorkerContext one, WorkerContext two) {
        }
    }

    static class IntervalWithInput {

        @Worker(interval = "1s")
        void tick(String what) {
        }
    }

    static class PlainWithInput {

        @Worker
        void consume(Long what) {
        }
    }

    static class AsyncWithInput {

        @Worker
        CompletionStage<Void> poll(String what) {
            return CompletableFuture.completedFuture(null);
        }
    }

    static class QueueWithoutItem {

        @Worker(queue = true)
        void take() {
        }
    }

    static class BatchWithoutList {

        @Worker(batchSize = 10)
        void store(String item) {
        }
    }

    static class BatchOfArrayList {

        @Worker(batchSize = 10)
        void store(ArrayList<String> items) {
        }
    }

    static class BatchWithoutParameter {

        @Worker(batchSize = 10)
        void store() {
        }
    }

    static class WrongResult {

        @Worker(event = true)
        String answer() {
            return "42";
        }
    }

    static class IntResult {

        @Worker(interval = "1s")
        int count() {
            return 42;
        }
    }
}
