package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import ch.qos.logback.classic.Level;
import dev.tasksupervisor.testsupport.LogCapture;

/** Keys under {@code supervisor.*} that no property binds are warned of at start-up, one WARN each. */
class UnknownSupervisorPropertiesTests {

    private final String id = "unknown-" + UUID.randomUUID().toString().substring(0, 8);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=" + id);

    @Test
    void aTypoInAFileIsWarnedOfWithItsFileLineAndTheKeyMeant() {
        List<String> warnings = warnings(contextRunner.withInitializer(context -> load(context,
                "unknown-supervisor-keys.properties")));
        assertThat(warnings).singleElement().satisfies(warning -> assertThat(warning)
                .contains("supervisor.pool.max-sise")
                .contains("class path resource [unknown-supervisor-keys.properties] - 3:")
                .contains("did you mean supervisor.pool.max-size?"));
    }

    @Test
    void everyGroupAndEveryEntryOfTheMapsIsChecked() {
        List<String> warnings = warnings(contextRunner.withPropertyValues("supervisor.poll-dealy=5ms",
                "supervisor.pool.virtual-thread=false", "supervisor.shutdown.timout=2s",
                "supervisor.aloops.io.defualt=true", "supervisor.workers.refresh-cache.intervall=1s",
                "supervisor.workers.refresh-cache.lock.at-most-fro=1m", "supervisor.workers.ship.retry.max-retry=2",
                "supervisor.workers.ship.backoff.maximum=1s"));
        assertThat(warnings).hasSize(8);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("supervisor.poll-dealy")
                .contains("did you mean supervisor.poll-delay?"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("supervisor.pool.virtual-thread ")
                .contains("did you mean supervisor.pool.virtual-threads?"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("supervisor.shutdown.timout")
                .contains("did you mean supervisor.shutdown.timeout?"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("supervisor.aloops.io.defualt")
                .contains("did you mean supervisor.aloops.io.default?"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("supervisor.workers.refresh-cache.intervall")
                .contains("did you mean supervisor.workers.refresh-cache.interval?"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("supervisor.workers.refresh-cache.lock.at-most-fro")
                .contains("did you mean supervisor.workers.refresh-cache.lock.at-most-for?"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("supervisor.workers.ship.retry.max-retry")
                .contains("did you mean supervisor.workers.ship.retry.max-retries?"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("supervisor.workers.ship.backoff.maximum")
                .contains("did you mean supervisor.workers.ship.backoff.max?"));
    }

    @Test
    void aWorkerNamedInBracketsGetsTheKeyMeantWithItsName() {
        assertThat(warnings(contextRunner.withPropertyValues("supervisor.workers[refresh-cache].intervall=1s")))
                .singleElement().satisfies(w -> assertThat(w)
                        .contains("did you mean supervisor.workers.refresh-cache.interval?"));
    }

    @Test
    void aKeyInTheWrongGroupIsPointedToTheGroupWhereItBelongs() {
        assertThat(warnings(contextRunner.withPropertyValues("supervisor.max-size=4"))).singleElement()
                .satisfies(w -> assertThat(w).contains("did you mean supervisor.pool.max-size?"));
    }

    @Test
    void aKeyCloseToNoneListsTheKeysOfItsGroup() {
        assertThat(warnings(contextRunner.withPropertyValues("supervisor.pool.colour=blue"))).singleElement()
                .satisfies(w -> assertThat(w).contains("supervisor.pool.colour").doesNotContain("did you mean")
                        .contains("supervisor.pool.* has: ").contains("max-size").contains("virtual-threads"));
    }

    @Test
    void aPropertyWithoutAFileNamesItsPropertySource() {
        assertThat(warnings(contextRunner.withPropertyValues("supervisor.pool.max-sise=4"))).singleElement()
                .satisfies(w -> assertThat(w).contains("from property source \"test\""));
    }

    @Test
    void anEnvironmentVariableTypoIsWarnedOfToo() {
        List<String> warnings = warnings(contextRunner.withInitializer(context -> environmentVariables(context,
                Map.of("SUPERVISOR_POOL_MAXSISE", "4"))));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("supervisor.pool.maxsise")
                .contains("did you mean supervisor.pool.max-size?"));
    }

    @Test
    void anotherProgramsVariableIsLeftAloneUnlessItIsANearMiss() {
        // supervisord gives each program it runs these; they are no typo of the application's.
        List<String> warnings = warnings(contextRunner.withInitializer(context -> environmentVariables(context,
                Map.of("SUPERVISOR_PROCESS_NAME", "app", "SUPERVISOR_GROUP_NAME", "apps", "SUPERVISOR_SERVER_URL",
                        "unix:///tmp/supervisor.sock", "SUPERVISOR_POOL_MAXSISE", "4"))));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("supervisor.pool.maxsise"));
    }

    @Test
    void aSystemPropertyIsWarnedOfOnlyWhenItIsANearMiss() {
        List<String> warnings = warnings(contextRunner.withInitializer(context -> context.getEnvironment()
                .getPropertySources().addFirst(new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                        Map.of("supervisor.stress.scale", "10", "supervisor.pool.max-sise", "4")))));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("supervisor.pool.max-sise")
                .contains("did you mean supervisor.pool.max-size?"));
    }

    @Test
    void everyRelaxedSpellingOfAKnownKeyIsKnown() {
        List<String> warnings = warnings(contextRunner
                .withPropertyValues("supervisor.pool.maxSize=8", "supervisor.pool.min_size=1",
                        "supervisor.shutdown.stopSchedulers=true", "supervisor.keep-jvm-alive=false",
                        "supervisor.workers[refresh-cache].interval=1s", "supervisor.workers.refreshCache.initialDelay=1s",
                        "supervisor.workers.ship.retry.includes[0]=java.io.IOException",
                        "supervisor.workers.ship.retry.excludes=java.lang.IllegalStateException,java.lang.Error",
                        "supervisor.aloops.io.default=true")
                .withInitializer(context -> environmentVariables(context, Map.of("SUPERVISOR_POOL_KEEPALIVE", "30s",
                        "SUPERVISOR_WORKERS_SHIP_LOCK_ATMOSTFOR", "1m", "SUPERVISOR_SHUTDOWN_CANCEL_TASKS", "false",
                        "SUPERVISOR_WORKERS_SHIP_RETRY_INCLUDES_0_", "java.io.UncheckedIOException"))));
        assertThat(warnings).isEmpty();
    }

    @Test
    void aWorkerNameThatMatchesNoWorkerIsLeftToTheWorkerFactory() {
        assertThat(warnings(contextRunner.withPropertyValues("supervisor.workers.no-such.interval=1s"))).isEmpty();
    }

    @Test
    void aKeySetInTwoPlacesIsWarnedOfOnce() {
        List<String> warnings = warnings(contextRunner.withPropertyValues("supervisor.pool.max-sise=4")
                .withInitializer(context -> context.getEnvironment().getPropertySources()
                        .addLast(new MapPropertySource("defaults", Map.of("supervisor.pool.max-sise", "2")))));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("from property source \"test\""));
    }

    @Test
    void lazyInitializationStillWarns() {
        assertThat(warnings(contextRunner.withPropertyValues("supervisor.pool.max-sise=4")
                .withBean(LazyInitializationBeanFactoryPostProcessor.class))).hasSize(1);
    }

    /** Starts a context, checks that it started, and returns what the check warned. */
    private List<String> warnings(ApplicationContextRunner runner) {
        try (LogCapture logs = LogCapture.of(UnknownSupervisorProperties.class)) {
            runner.run(context -> assertThat(context).hasNotFailed());
            return logs.messages(Level.WARN);
        }
    }

    private static void load(ConfigurableApplicationContext context, String resource) {
        try {
            new PropertiesPropertySourceLoader().load(resource, new ClassPathResource(resource))
                    .forEach(source -> context.getEnvironment().getPropertySources().addFirst(source));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As the real environment variables are mapped: a source whose name ends with -systemEnvironment. */
    private static void environmentVariables(ConfigurableApplicationContext context, Map<String, Object> variables) {
        context.getEnvironment().getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", variables));
    }
}
