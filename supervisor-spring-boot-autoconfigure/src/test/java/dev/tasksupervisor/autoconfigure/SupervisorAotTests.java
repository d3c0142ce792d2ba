package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.autoconfigure.endpoint.SupervisorEndpoint;
import dev.tasksupervisor.autoconfigure.endpoint.SupervisorEndpointAutoConfiguration;
import dev.tasksupervisor.autoconfigure.endpoint.SupervisorEndpointWebExtension;
import dev.tasksupervisor.worker.WorkerKind;
import dev.tasksupervisor.worker.WorkerState;

/**
 * The starter under Spring AOT: contexts processed ahead of time as {@code process-aot} does, the code
 * generated for the aloops, and the hints a native image needs, checked with {@link RuntimeHintsPredicates}.
 * The sample app's tests run the generated code ({@code spring.aot.enabled=true}).
 */
class SupervisorAotTests {

    private final String id = "aot-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aloopBeansAreGeneratedAsCallsOfTheirFactoryWithTheirSettings() throws IOException {
        AnnotationConfigApplicationContext buildTime = context("supervisor.aloops.io.default=true",
                "supervisor.aloops.slow-cpu.daemon=true", "supervisor.aloops.later.start=false");
        buildTime.register(SupervisorAutoConfiguration.class);
        InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
        process(buildTime, files);
        String code = files.getGeneratedFileContent(GeneratedFiles.Kind.SOURCE,
                "dev/tasksupervisor/autoconfigure/AloopBeans__BeanDefinitions.java");
        assertThat(code).contains("getBean(\"supervisorAloopBeans\", AloopBeans.class).createAloop(args.get(0), "
                + "args.get(1), args.get(2), args.get(3))");
        assertThat(definition(code, "getIoAloopBeanDefinition")).contains("setPrimary(true)", "setLazyInit(false)",
                "addIndexedArgumentValue(0, \"io\")", "addIndexedArgumentValue(1, true)",
                "addIndexedArgumentValue(2, false)", "addIndexedArgumentValue(3, true)");
        assertThat(definition(code, "getSlowCpuAloopBeanDefinition")).doesNotContain("setPrimary").contains(
                "addIndexedArgumentValue(0, \"slow-cpu\")", "addIndexedArgumentValue(1, false)",
                "addIndexedArgumentValue(2, true)", "addIndexedArgumentValue(3, true)");
        assertThat(definition(code, "getLaterAloopBeanDefinition")).contains("addIndexedArgumentValue(3, false)");
    }

    /** The body of one generated bean definition method. */
    private static String definition(String code, String method) {
        String body = code.substring(code.indexOf(method + "()"));
        return body.substring(0, body.indexOf("return beanDefinition;"));
    }

    @Test
    void workerMethodsAreRegisteredForInvocation() {
        AnnotationConfigApplicationContext buildTime = context();
        buildTime.register(SupervisorAutoConfiguration.class, Jobs.class, ProxiedJobs.class);
        RuntimeHints hints = hints(buildTime);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Jobs.class, "tick")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Jobs.class, "handle")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Jobs.class, "notAWorker")).rejects(hints);
        // A JDK proxy is called through its interface's method.
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(JobsApi.class, "poll")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ProxiedJobs.class, "poll")).accepts(hints);
    }

    @Test
    void endpointResponsesAreRegisteredForBinding() {
        AnnotationConfigApplicationContext buildTime = context();
        buildTime.register(SupervisorAutoConfiguration.class, SupervisorEndpointAutoConfiguration.class);
        RuntimeHints hints = hints(buildTime);
        for (Class<?> type : new Class<?>[] {SupervisorEndpoint.SupervisorDescriptor.class,
                SupervisorEndpoint.PoolDescriptor.class, SupervisorEndpoint.Priorities.class,
                SupervisorEndpoint.AloopDescriptor.class, SupervisorEndpoint.WorkerDescriptor.class,
                SupervisorEndpoint.DeadLettersDescriptor.class, SupervisorEndpoint.DeadLetterDescriptor.class,
                SupervisorEndpointWebExtension.ErrorDescriptor.class, WorkerKind.class, WorkerState.class}) {
            assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(hints);
        }
        // The accessors Jackson reads, also of the error body that the web extension's return type hides.
        assertThat(RuntimeHintsPredicates.reflection()
                .onMethodInvocation(SupervisorEndpointWebExtension.ErrorDescriptor.class, "message")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection()
                .onMethodInvocation(SupervisorEndpoint.WorkerDescriptor.class, "lastRunDuration")).accepts(hints);
    }

    /** Not the starter's hints but Spring Boot's, checked because binding {@code supervisor.*} depends on them. */
    @Test
    void configurationPropertiesAreRegisteredForBindingBySpringBoot() {
        AnnotationConfigApplicationContext buildTime = context();
        buildTime.register(SupervisorAutoConfiguration.class);
        RuntimeHints hints = hints(buildTime);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(SupervisorProperties.Pool.class,
                "setMaxSize")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(SupervisorProperties.WorkerSettings.class,
                "setInterval")).accepts(hints);
    }

    private AnnotationConfigApplicationContext context(String... properties) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        TestPropertyValues.of("supervisor.id=" + id).and(properties).applyTo(context);
        return context;
    }

    private static RuntimeHints hints(GenericApplicationContext buildTime) {
        return process(buildTime, new InMemoryGeneratedFiles()).getRuntimeHints();
    }

    /** What {@code process-aot} does with an application's context. */
    private static GenerationContext process(GenericApplicationContext buildTime, GeneratedFiles files) {
        DefaultGenerationContext generationContext = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get(SupervisorAotTests.class)), files);
        new ApplicationContextAotGenerator().processAheadOfTime(buildTime, generationContext);
        generationContext.writeGeneratedContent();
        return generationContext;
    }

    static class Jobs {

        @Worker(interval = "1h")
        void tick() {
        }

        @Worker
        void handle(String item) {
        }

        void notAWorker() {
        }
    }

    interface JobsApi {

        void poll();
    }

    static class ProxiedJobs implements JobsApi {

        @Override
        @Worker(interval = "1h")
        public void poll() {
        }
    }
}
