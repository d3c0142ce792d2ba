package dev.tasksupervisor.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * The path a Spring Boot application takes: a {@code @Worker(queue = true)} bean method, found and
 * started by the starter, fed batches of 10,000 items, against what the application would write
 * instead: a {@link ThreadPoolTaskExecutor} of one thread (items handled one at a time and in order,
 * as the queue worker does) running the same bean method per item. Both in the same Spring Boot
 * application context.
 *
 * <p>{@code @Worker.put+observation} is the same worker in an application with an {@link ObservationRegistry}
 * bean whose one handler is Micrometer's {@link DefaultMeterObservationHandler} over a {@link SimpleMeterRegistry}
 * (what Spring Boot's actuator registers for every observation): each item's run is then a
 * {@code supervisor.worker.run} observation, a timer and a long task timer, and, with context-propagation on
 * the class path, each put captures the putter's context and each run restores it. The producer has no
 * observation of its own, so nothing is carried: what it measures is the cost of observing, not of tracing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpringWorkerBenchmark {

    static final int ITEMS = 10_000;

    /** How the items reach the bean method. */
    @Param({"@Worker.put", "@Worker.put+observation", "ThreadPoolTaskExecutor.execute"})
    public String path;

    private ConfigurableApplicationContext context;
    private QueueWorker<CountDownLatch> worker;
    private ThreadPoolTaskExecutor executor;
    private Handler handler;

    @Setup
    public void start() {
        SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class);
        if (path.endsWith("+observation")) {
            application.sources(Observed.class);
        }
        context = application
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "supervisor.keep-jvm-alive=false")
                .run();
        handler = context.getBean(Handler.class);
        switch (path) {
            case "@Worker.put", "@Worker.put+observation" ->
                    worker = context.getBean(TaskSupervisor.class).getQueueWorker("handle", CountDownLatch.class);
            case "ThreadPoolTaskExecutor.execute" -> executor = context.getBean("orderExecutor", ThreadPoolTaskExecutor.class);
            default -> throw new IllegalArgumentException("unknown path " + path);
        }
    }

    @TearDown
    public void stop() {
        context.close();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void putBatch() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(ITEMS);
        if (worker != null) {
            for (int i = 0; i < ITEMS; i++) {
                worker.put(done);
            }
        } else {
            Handler h = handler;
            for (int i = 0; i < ITEMS; i++) {
                executor.execute(() -> h.handle(done));
            }
        }
        done.await();
    }

    /** The application: the starter's auto-configuration, the worker bean and the executor. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {

        @Bean
        Handler handler() {
            return new Handler();
        }

        @Bean
        ThreadPoolTaskExecutor orderExecutor() {
            ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
            executor.setCorePoolSize(1);
            executor.setMaxPoolSize(1);
            executor.setPrestartAllCoreThreads(true);
            executor.setThreadNamePrefix("order-");
            return executor;
        }
    }

    /** What an application with actuator has: an ObservationRegistry that times every observation. */
    @Configuration(proxyBeanMethods = false)
    static class Observed {

        @Bean
        ObservationRegistry observationRegistry() {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig()
                    .observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
            return registry;
        }
    }

    /** The application's bean: one method handles one item. */
    public static class Handler {

        @Worker(queue = true)
        public void handle(CountDownLatch item) {
            item.countDown();
        }
    }
}
