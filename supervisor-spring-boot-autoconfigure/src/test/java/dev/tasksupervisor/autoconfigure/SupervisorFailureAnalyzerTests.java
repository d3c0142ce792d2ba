package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;


/** Each start-up failure, as Spring Boot reports it: a description naming the property, an action that fixes it. */
@ExtendWith(OutputCaptureExtension.class)
class SupervisorFailureAnalyzerTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class,
                    SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=failing-" + UUID.randomUUID().toString().substring(0, 8));

    @Test
    void minSizeAboveMaxSize() {
        FailureAnalysis analysis = analyze(contextRunner.withPropertyValues("supervisor.pool.min-size=8",
                "supervisor.pool.max-size=4"));
        assertThat(analysis.getDescription())
                .isEqualTo("supervisor.pool.min-size (8) is above supervisor.pool.max-size (4).");
        assertThat(analysis.getAction()).contains("Lower supervisor.pool.min-size to at most 4");
    }

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
                .isEqualTo("supervisor.pool.min-size is -1, but sizes cannot be negative.");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.reserve-high=-2")).getAction())
                .isEqualTo("Set supervisor.pool.reserve-high to 0 or more.");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.max-size=0")).getDescription())
                .contains("supervisor.pool.max-size is 0");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.pool.min-size=some")).getDescription())
                .contains("supervisor.pool.min-size is 'some', which is neither a number of threads nor 'max'");
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.poll-delay=-5ms")).getDescription())
                .contains("supervisor.poll-delay is PT-0.005S");
    }

    @Test
    void twoDefaultAloops() {
        assertThat(analyze(contextRunner.withPropertyValues("supervisor.aloops.a.default=true",
                "supervisor.aloops.b.default=true")).getDescription()).contains("Aloops [a, b] are all marked as the default");
    }

    @Test
    void springBootReportsOurAnalysisAtStartUp(CapturedOutput output) {
        SpringApplication application = new SpringApplication(BadPoolApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
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
        assertThatException().isThrownBy(() -> application.run("--supervisor.poll-delay=shortly",
                "--supervisor.id=reported"));
        assertThat(output).contains("APPLICATION FAILED TO START").contains("supervisor.poll-delay")
                .contains("shortly").contains("java.time.Duration");
    }

    /** Runs the context, expects it to fail, and analyzes the failure as Spring Boot would. */
    private static FailureAnalysis analyze(ApplicationContextRunner runner) {
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
}
