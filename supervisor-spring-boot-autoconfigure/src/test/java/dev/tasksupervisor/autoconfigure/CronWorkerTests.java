package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.support.CronExpression;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.MisfirePolicy;
import dev.tasksupervisor.worker.WorkerKind;

/**
 * {@code @Worker(cron = ..., zone = ...)} and {@code supervisor.workers.<name>.cron}, {@code .zone}, {@code .misfire}
 * (issue 17): what a {@code @Scheduled(cron)} method needs to move to {@code @Worker}.
 */
@ExtendWith(OutputCaptureExtension.class)
class CronWorkerTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=cron-" + UUID.randomUUID().toString().substring(0, 8));

    @Test
    void aCronMethodRunsAtTheExpressionsTimesAsAnIntervalWorker() {
        contextRunner.withBean("jobs", EverySecond.class).run(context -> {
            IntervalWorker worker = context.getBean(TaskSupervisor.class).getWorker("tick", IntervalWorker.class);
            assertThat(worker.getKind()).isEqualTo(WorkerKind.INTERVAL);
            assertThat(worker.getSchedule()).isEqualTo("cron * * * * * * (" + ZoneId.systemDefault() + ")");
            assertThat(worker.getMisfirePolicy()).isEqualTo(MisfirePolicy.RUN_ONCE);
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(EverySecond.class).runs.get() >= 1);
            // Each run at a whole second: the next is the expression's next time, at a nanosecond of 0.
            Instant next = worker.getNextRun();
            assertThat(next).isNotNull();
            assertThat(next.getNano()).isZero();
            assertThat(context.getBean("tickWorker")).isSameAs(worker);
        });
    }

    @Test
    void theZoneIsWhatTheExpressionIsReadInAndTheNextRunIsSpringsNextTime() {
        contextRunner.withBean("jobs", NightlyInParis.class).run(context -> {
            IntervalWorker worker = context.getBean(TaskSupervisor.class).getWorker("nightly", IntervalWorker.class);
            assertThat(worker.getSchedule()).isEqualTo("cron 0 0 2 * * * (Europe/Paris)");
            ZoneId paris = ZoneId.of("Europe/Paris");
            Instant expected = CronExpression.parse("0 0 2 * * *").next(ZonedDateTime.now(paris)).toInstant();
            assertThat(worker.getNextRun()).isEqualTo(expected);
            assertThat(worker.info().nextRun()).isEqualTo(expected);
        });
    }

    @Test
    void propertiesReplaceTheAnnotationsScheduleWithACronAndSetZoneAndMisfire() {
        contextRunner.withBean("jobs", EverySecond.class)
                .withPropertyValues("supervisor.workers.tick.cron=@hourly", "supervisor.workers.tick.zone=America/New_York",
                        "supervisor.workers.tick.misfire=skip")
                .run(context -> {
                    IntervalWorker worker = context.getBean(TaskSupervisor.class).getWorker("tick", IntervalWorker.class);
                    assertThat(worker.getSchedule()).isEqualTo("cron @hourly (America/New_York)");
                    assertThat(worker.getMisfirePolicy()).isEqualTo(MisfirePolicy.SKIP);
                    assertThat(worker.getNextRun()).isEqualTo(CronExpression.parse("@hourly")
                            .next(ZonedDateTime.now(ZoneId.of("America/New_York"))).toInstant());
                });
        // An interval property replaces the annotation's cron.
        contextRunner.withBean("jobs", EverySecond.class).withPropertyValues("supervisor.workers.tick.interval=1h")
                .run(context -> assertThat(context.getBean(TaskSupervisor.class).getWorker("tick").getSchedule())
                        .isEqualTo("every PT1H"));
    }

    @Test
    void aCronOfADashTurnsTheWorkerOffAsForScheduled(CapturedOutput output) {
        contextRunner.withBean("jobs", Switchable.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TaskSupervisor.class).findWorker("report")).isEmpty();
            assertThat(context).doesNotHaveBean("reportWorker");
        });
        assertThat(output).contains("Worker 'report' (method " + Switchable.class.getName() + ".report() of bean "
                + "'jobs') is disabled by its cron \"-\": @Worker(cron = \"${report.cron:-}\") on method");
        contextRunner.withBean("jobs", Switchable.class).withPropertyValues("report.cron=0 0 * * * *").run(context ->
                assertThat(context.getBean(TaskSupervisor.class).getWorker("report").getSchedule()).startsWith("cron 0 0 * * * *"));
        contextRunner.withBean("jobs", EverySecond.class).withPropertyValues("supervisor.workers.tick.cron=-").run(context -> {
            assertThat(context.getBean(TaskSupervisor.class).findWorker("tick")).isEmpty();
            assertThat(context).doesNotHaveBean("tickWorker");
        });
    }

    @Test
    void aBadExpressionFailsStartUpSayingWhyAndWhatCronLooksLike() {
        FailureAnalysis analysis = SupervisorFailureAnalyzerTests.analyze(contextRunner.withBean("jobs", EverySecond.class)
                .withPropertyValues("supervisor.workers.tick.cron=0 */5 * * *"));
        assertThat(analysis.getDescription()).startsWith("supervisor.workers.tick.cron is not a cron expression: ")
                .contains("Cron expression must consist of 6 fields (found 5 in \"0 */5 * * *\")");
        assertThat(analysis.getAction()).contains("six fields: second minute hour day-of-month month day-of-week")
                .contains("@hourly");
    }

    @Test
    void aBadZoneAZoneWithoutCronAndACronBesideAnIntervalAreRefused() {
        assertThat(SupervisorFailureAnalyzerTests.analyze(contextRunner.withBean("jobs", EverySecond.class)
                .withPropertyValues("supervisor.workers.tick.zone=Mars/Olympus")).getDescription())
                .startsWith("supervisor.workers.tick.zone is not a time zone: ");
        assertThat(SupervisorFailureAnalyzerTests.analyze(contextRunner.withBean("jobs", EverySecond.class)
                .withPropertyValues("supervisor.workers.tick.interval=1s", "supervisor.workers.tick.zone=UTC"))
                .getDescription()).isEqualTo("supervisor.workers.tick.zone is set, but worker 'tick' has no cron "
                        + "expression: a zone is what a cron expression is read in.");
        FailureAnalysis both = SupervisorFailureAnalyzerTests.analyze(contextRunner.withBean("jobs", CronAndInterval.class));
        assertThat(both.getDescription()).isEqualTo("@Worker(cron = \"0 * * * * *\") on method "
                + CronAndInterval.class.getName() + ".tick() of bean 'jobs' and @Worker(interval = \"1m\") on method "
                + CronAndInterval.class.getName() + ".tick() of bean 'jobs' are both set.");
        assertThat(both.getAction()).startsWith("Keep one: cron for runs at times of day");
    }

    @Test
    void aCronOnAnotherKindOfWorkerIsRefused() {
        FailureAnalysis analysis = SupervisorFailureAnalyzerTests.analyze(contextRunner.withBean("jobs", Queue.class)
                .withPropertyValues("supervisor.workers.ship.cron=@daily"));
        assertThat(analysis.getDescription()).startsWith("supervisor.workers.ship.cron is set, but worker 'ship'")
                .contains("the setting applies to interval workers only");
    }

    @Test
    void aCronExpressionInIntervalIsPointedToCron() {
        FailureAnalysis analysis = SupervisorFailureAnalyzerTests.analyze(contextRunner.withBean("jobs", CronInInterval.class));
        assertThat(analysis.getDescription()).endsWith(" is not a duration.");
        assertThat(analysis.getAction()).isEqualTo("It is a cron expression: set it as cron instead, as in "
                + "@Worker(cron = \"0 0 * * * *\") (or supervisor.workers.<name>.cron).");
    }

    static class EverySecond {

        final AtomicInteger runs = new AtomicInteger();

        @Worker(cron = "* * * * * *")
        void tick() {
            runs.incrementAndGet();
        }
    }

    static class NightlyInParis {

        @Worker(cron = "0 0 2 * * *", zone = "Europe/Paris")
        void nightly() {
        }
    }

    static class Switchable {

        @Worker(cron = "${report.cron:-}")
        void report() {
        }
    }

    static class CronAndInterval {

        @Worker(cron = "0 * * * * *", interval = "1m")
        void tick() {
        }
    }

    static class CronInInterval {

        @Worker(interval = "0 0 * * * *")
        void tick() {
        }
    }

    static class Queue {

        @Worker(queue = true)
        void ship(String order) {
        }
    }
}
