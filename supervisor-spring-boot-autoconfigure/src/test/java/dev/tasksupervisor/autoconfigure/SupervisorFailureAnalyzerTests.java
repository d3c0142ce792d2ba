package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import java.util.UUID;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.target.HotSwappableTargetSource;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
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
import org.springframework.mock.env.MockEnvironment;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/** Each start-up failure, as Spring Boot reports it: a description naming the culprit, an action that fixes it. */
@ExtendWith(OutputCaptureExtension.class)
class SupervisorFailureAnalyzerTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class,
                    SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=failing-" + UUID.randomUUID().toString().substring(0, 8));

    @Test
    void minSizeAboveTheMaxSizeDerivedFromPoolSize() {
        FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.pool.min-size=5",
                "supervisor.pool.pool-size=2", "supervisor.pool.reserve-normal=1"));
        assertThat(analysis.getDescription()).contains("supervisor.pool.min-size (5)")
                .contains("derived from pool-size + reserve-normal + reserve-high (3)");
    }

    @Test
    void negativeSizes() {
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.min-size=-1")).getDescription())
                .isEqualTo("supervisor.pool.min-size is -1, but it cannot be negative.");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.reserve-high=-2")).getAction())
                .isEqualTo("Set supervisor.pool.reserve-high to 0 or more (0 reserves no slot).");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.max-size=0")).getDescription())
                .contains("supervisor.pool.max-size is 0");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.min-size=some")).getDescription())
                .contains("supervisor.pool.min-size is 'some', which is neither a number of threads nor 'max'");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.poll-delay=-5ms")).getDescription())
                .contains("supervisor.poll-delay is PT-0.005S");
    }

    @Test
    void negativeOrZeroWorkerSettingsAreCheckedAsThePropertiesAre() {
        FailureAnalysis capacity = analyze(contextRunner.withUserConfiguration(WorkerDiscoveryTests.Orders.class)
                .withPropertyValues("supervisor.workers.orders.queue-capacity=-1"));
        assertThat(capacity.getDescription()).isEqualTo("supervisor.workers.orders.queue-capacity is -1, but it cannot be negative.");
        assertThat(capacity.getAction())
                .isEqualTo("Set supervisor.workers.orders.queue-capacity to 0 or more (a capacity of 0 leaves the queue unbounded).");
        FailureAnalysis interval = analyze(contextRunner.withUserConfiguration(WorkerDiscoveryTests.Heartbeat.class)
                .withPropertyValues("heartbeat.every=0s"));
        assertThat(interval.getDescription()).endsWith(" is PT0S, but it must be positive.");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.check-interval=0s")).getDescription())
                .isEqualTo("supervisor.pool.check-interval is PT0S, but it must be positive.");
    }

    @Test
    @EnabledForJreRange(max = JRE.JAVA_20)
    void virtualThreadsBeforeJava21() {
        FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.pool.virtual-threads=true"));
        assertThat(analysis.getDescription()).isEqualTo("supervisor.pool.virtual-threads is true, but this JVM runs Java "
                + Runtime.version().feature() + " and virtual threads need Java 21 or newer.");
        assertThat(analysis.getAction()).contains("set supervisor.pool.virtual-threads to false");
        // Spring's own switch does not excuse it: the pool's property asks for them explicitly.
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.virtual-threads=true",
                "spring.threads.virtual.enabled=true")).getDescription())
                .startsWith("supervisor.pool.virtual-threads is true, but this JVM runs Java ");
    }

    @Test
    void unknownAloop() {
        FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.aloops.io.default=true")
                .withUserConfiguration(OnMissingAloop.class));
        assertThat(analysis.getDescription()).contains("@Worker(aloop = \"nowhere\") on method "
                + OnMissingAloop.class.getName() + ".poll()").contains("names aloop 'nowhere'").contains("[io]");
        assertThat(analysis.getAction()).contains("supervisor.aloops.nowhere.*");
    }

    @Test
    void unknownAloopFromAProperty() {
        FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.aloops.io.default=true",
                "supervisor.workers.poll.aloop=elsewhere").withUserConfiguration(WorkerDiscoveryTests.AsyncPoller.class));
        assertThat(analysis.getDescription()).startsWith("supervisor.workers.poll.aloop names aloop 'elsewhere'");
    }

    @Test
    void beanWithTheNameOfAnAloopsBean() {
        FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.aloops.io.default=true")
                .withUserConfiguration(BeanNamedLikeAnAloop.class));
        assertThat(analysis.getDescription()).startsWith("Bean 'ioAloop' (defined in ")
                .endsWith("has the name of the bean of aloop 'io' (supervisor.aloops.io), so the aloop would not be created.");
        assertThat(analysis.getAction()).contains("Rename that bean, or the aloop");
    }

    @Test
    void asyncWorkerWithoutAnyDefaultAloop() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(WorkerDiscoveryTests.AsyncPoller.class));
        assertThat(analysis.getDescription()).contains("Worker 'poll'").contains("has no default aloop");
        assertThat(analysis.getAction()).contains("supervisor.aloops.<name>.default=true");
    }

    @Test
    void twoWorkersWithOneName() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(WorkerDiscoveryTests.Refresh.class,
                SameName.class));
        assertThat(analysis.getDescription()).startsWith("Two workers are named 'rebuild': method ")
                .contains(WorkerDiscoveryTests.Refresh.class.getName() + ".rebuild()")
                .contains(SameName.class.getName() + ".refresh()");
        assertThat(analysis.getAction()).contains("@Worker(name = \"...\")");
    }

    @Test
    void workerNamedLikeOneRegisteredInCode() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(WorkerDiscoveryTests.Refresh.class,
                RegisteredInCode.class));
        assertThat(analysis.getDescription()).contains("has the name of a worker already registered");
    }

    @Test
    void signatureThatDoesNotFitItsKind() {
        assertThat(analyze(contextRunner.withUserConfiguration(IntervalWithInput.class)).getDescription())
                .contains(IntervalWithInput.class.getName() + ".tick(String)")
                .contains("takes a String, but interval workers hand their method no input");
        assertThat(analyze(contextRunner.withUserConfiguration(QueueWithoutItem.class)).getDescription())
                .contains("has no parameter for the item its queue worker hands it");
        assertThat(analyze(contextRunner.withUserConfiguration(BatchWithoutList.class)).getAction())
                .contains("Take a List parameter (List<String>)");
        assertThat(analyze(contextRunner.withUserConfiguration(WrongResult.class)).getDescription())
                .contains("returns java.lang.String, which a worker cannot use");
        assertThat(analyze(contextRunner.withUserConfiguration(TwoInputs.class)).getDescription())
                .contains("takes two inputs, String and Integer");
    }

    @Test
    void moreThanOneKind() {
        assertThat(analyze(contextRunner.withUserConfiguration(TwoKinds.class)).getDescription())
                .contains("asks for more than one kind of worker: interval (cron/interval/delay) event (event = true)");
    }

    @Test
    void intervalPlaceholderThatResolvesToNothing() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(EmptyInterval.class));
        assertThat(analysis.getDescription()).startsWith("@Worker(interval = \"${tick.every:}\") on method "
                + EmptyInterval.class.getName() + ".tick() of bean ").endsWith(" resolved to nothing, and none of "
                + "supervisor.workers.tick.cron, .interval or .delay is set: the interval worker has no schedule.");
        assertThat(analysis.getAction()).contains("${name:10s}").contains("supervisor.workers.tick.cron (or .interval, .delay)");
    }

    @Test
    void workerBeanWhoseAnnotationAsksForAnotherKindOrSeveral() {
        assertThat(analyze(contextRunner.withBean(QueueAttributesOnAnEventBean.class)).getDescription())
                .contains("asks for a queue worker, but the bean is an event worker");
        assertThat(analyze(contextRunner.withBean(TwoKindsOnAnEventBean.class)).getDescription())
                .contains("asks for more than one kind of worker: interval (cron/interval/delay) event (event = true)");
    }

    @Test
    void settingForAnotherKind() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(WorkerDiscoveryTests.Orders.class)
                .withPropertyValues("supervisor.workers.orders.interval=1s"));
        assertThat(analysis.getDescription()).startsWith("supervisor.workers.orders.interval is set, but worker 'orders'")
                .contains("is a queue worker: the setting applies to interval workers only");
    }

    @Test
    void unparseableDurationInTheAnnotation() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(BadDuration.class));
        assertThat(analysis.getDescription()).startsWith("@Worker(interval = \"10 parsecs\") on method "
                + BadDuration.class.getName() + ".tick() of bean ").endsWith(" is not a duration.");
        assertThat(analysis.getAction()).contains("500ms, 10s, 5m or PT10S");
        assertThat(analyze(contextRunner.withUserConfiguration(WorkerDiscoveryTests.Heartbeat.class)
                .withPropertyValues("heartbeat.every=soon")).getDescription()).contains("resolved to 'soon'");
    }

    @Test
    void unresolvablePlaceholder() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(WorkerDiscoveryTests.Named.class));
        assertThat(analysis.getDescription()).contains("@Worker(name = \"${names.worker}\")").contains("cannot be resolved");
    }

    @Test
    void workerAnnotationOnAClassThatIsNoWorker() {
        assertThat(analyze(contextRunner.withUserConfiguration(NotAWorker.class)).getDescription())
                .contains("@Worker is on class " + NotAWorker.class.getName());
    }

    @Test
    void workerBeanBehindAProxyWithoutASingleTarget() {
        FailureAnalysis analysis = analyze(contextRunner.withUserConfiguration(SwappableWorker.class));
        assertThat(analysis.getDescription()).startsWith("Worker bean 'swappableTicker' ("
                + WorkerDiscoveryTests.Ticker.class.getName() + ") is an AOP proxy (")
                .contains("without a single target object");
        assertThat(analysis.getAction()).contains("keep it a plain singleton");
    }

    @Test
    void springBootReportsOurAnalysisAtStartUp(CapturedOutput output) {
        SpringApplication application = new SpringApplication(BadPoolApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        assertThatException().isThrownBy(() -> application.run("--supervisor.pool.min-size=9",
                "--supervisor.pool.max-size=3", "--supervisor.id=reported"));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("supervisor.pool.min-size (9) is above supervisor.pool.max-size (3).")
                .contains("Action:").contains("Lower supervisor.pool.min-size to at most 3");
    }

    @Test
    void anUnparseableDurationPropertyIsReportedBySpringBootNamingTheProperty(CapturedOutput output) {
        SpringApplication application = new SpringApplication(BadPoolApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        assertThatException().isThrownBy(() -> application.run("--supervisor.poll-delay=shortly",
                "--supervisor.id=reported"));
        assertThat(output).contains("APPLICATION FAILED TO START").contains("supervisor.poll-delay")
                .contains("shortly").contains("java.time.Duration");
    }

    /** An application whose bean needs the supervisor. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, SupervisorAutoConfiguration.class})
    static class NeedsTheSupervisorApplication {
        @Bean
        String usesTheSupervisor(TaskSupervisor supervisor) {
            return supervisor.getId();
        }
    }

    @Test
    void aBeanThatNeedsTheSupervisorSwitchedOffBySupervisorEnabledFalseIsToldWhy(CapturedOutput output) {
        SpringApplication application = new SpringApplication(NeedsTheSupervisorApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        assertThatException().isThrownBy(() -> application.run("--supervisor.enabled=false"));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("A bean of type 'dev.tasksupervisor.TaskSupervisor' is required, but there is none: the "
                        + "task supervisor's auto-configuration is switched off by supervisor.enabled=false")
                .contains("set supervisor.auto-start=false instead");
    }

    @Test
    void aMissingBeanIsLeftToSpringBootWhenTheStarterIsOnOrTheBeanIsNotOurs() {
        NoSuchBeanDefinitionException noSupervisor = new NoSuchBeanDefinitionException(TaskSupervisor.class);
        assertThat(new SupervisorDisabledFailureAnalyzer(new MockEnvironment()).analyze(noSupervisor)).isNull();
        assertThat(new SupervisorDisabledFailureAnalyzer(new MockEnvironment().withProperty("supervisor.enabled", "true"))
                .analyze(noSupervisor)).isNull();
        assertThat(new SupervisorDisabledFailureAnalyzer(new MockEnvironment().withProperty("supervisor.enabled", "false"))
                .analyze(new NoSuchBeanDefinitionException(String.class))).isNull();
        assertThat(new SupervisorDisabledFailureAnalyzer(new MockEnvironment().withProperty("supervisor.enabled", "false"))
                .analyze(noSupervisor)).isNotNull();
    }

    /** Runs the context, expects it to fail, and analyzes the failure as Spring Boot would (also for BadConfigurationTests). */
    static FailureAnalysis analyze(ApplicationContextRunner runner) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new SupervisorFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("our analyzer recognises the failure").isNotNull();
        assertThat(analysis[0].getAction()).isNotBlank();
        return analysis[0];
    }

    // ------------------------------------------------------------------ misconfigured applications

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(SupervisorAutoConfiguration.class)
    static class BadPoolApplication {
    }

    @Configuration(proxyBeanMethods = false)
    static class OnMissingAloop {

        @Worker(aloop = "nowhere")
        CompletionStage<Void> poll() {
            return WorkerDiscoveryTests.done();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BeanNamedLikeAnAloop {

        @Bean
        String ioAloop() {
            return "mine";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SameName {

        @Worker(name = "rebuild", event = true)
        void refresh() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RegisteredInCode {

        /** Registers a worker the way application code may, without making it a bean. */
        @Bean
        String registeredInCode(TaskSupervisor supervisor) {
            supervisor.registerScheduler(new EventWorker(supervisor, "rebuild", WorkerTarget.of(() -> { })));
            return "registered";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class IntervalWithInput {

        @Worker(interval = "1s")
        void tick(String what) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class QueueWithoutItem {

        @Worker(queue = true)
        void take() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BatchWithoutList {

        @Worker(batchSize = 10)
        void store(String item) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WrongResult {

        @Worker(event = true)
        String answer() {
            return "42";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoInputs {

        @Worker(queue = true)
        void take(String one, Integer two) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoKinds {

        @Worker(interval = "1s", event = true)
        void both() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadDuration {

        @Worker(interval = "10 parsecs")
        void tick() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SwappableWorker {

        /** A class proxy whose target may be swapped at any time: no one worker to register. */
        @Bean
        WorkerDiscoveryTests.Ticker swappableTicker(TaskSupervisor supervisor) {
            ProxyFactory proxy = new ProxyFactory();
            proxy.setProxyTargetClass(true);
            proxy.setTargetSource(new HotSwappableTargetSource(new WorkerDiscoveryTests.Ticker(supervisor)));
            return (WorkerDiscoveryTests.Ticker) proxy.getProxy();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class EmptyInterval {

        @Worker(interval = "${tick.every:}")
        void tick() {
        }
    }

    /** An event worker bean, which the subclasses below annotate for other kinds. */
    abstract static class EventBean extends EventWorker {

        EventBean(TaskSupervisor supervisor) {
            super(supervisor, "refresher", false);
        }
    }

    @Worker(queueCapacity = 10)
    static class QueueAttributesOnAnEventBean extends EventBean {

        QueueAttributesOnAnEventBean(TaskSupervisor supervisor) {
            super(supervisor);
        }
    }

    @Worker(interval = "1s", event = true)
    static class TwoKindsOnAnEventBean extends EventBean {

        TwoKindsOnAnEventBean(TaskSupervisor supervisor) {
            super(supervisor);
        }
    }

    @Worker(event = true)
    @Configuration(proxyBeanMethods = false)
    static class NotAWorker {
    }
}
