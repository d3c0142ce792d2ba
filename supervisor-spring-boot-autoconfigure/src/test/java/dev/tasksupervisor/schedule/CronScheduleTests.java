package dev.tasksupervisor.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.scheduling.support.CronExpression;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.testsupport.MovableClock;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * A cron worker's next run times against Spring's own {@link CronExpression}, for expressions across the
 * daylight-saving changes of 2026 in two zones: through a worker whose clock is set a few hours before each
 * change (so the conversion from the worker's timer to wall-clock time is tested too), then run on for a day.
 */
class CronScheduleTests {

    private static final List<String> EXPRESSIONS = List.of("0 30 2 * * *", "0 0 * * * *", "0 */15 * * * *", "@daily",
            "0 30 1 * * *", "0 0 3 * * SUN", "0 0 2 29 3 *");

    /** The changes: spring forward and fall back, in Paris and in New York. */
    private static final List<ZonedDateTime> CHANGES = List.of(
            ZonedDateTime.parse("2026-03-29T01:59:59+01:00[Europe/Paris]"),
            ZonedDateTime.parse("2026-10-25T02:59:59+02:00[Europe/Paris]"),
            ZonedDateTime.parse("2026-03-08T01:59:59-05:00[America/New_York]"),
            ZonedDateTime.parse("2026-11-01T01:59:59-04:00[America/New_York]"));

    private final TaskSupervisor supervisor = new TaskSupervisor("cron-" + System.nanoTime());

    CronScheduleTests() {
        supervisor.start();
    }

    @AfterEach
    void stop() {
        supervisor.stop();
    }

    static Stream<Arguments> expressionsAcrossChanges() {
        return CHANGES.stream().flatMap(change -> EXPRESSIONS.stream().map(expression -> Arguments.of(expression, change)));
    }

    @ParameterizedTest(name = "{0} around {1}")
    @MethodSource("expressionsAcrossChanges")
    void nextRunsAreSpringsAcrossADaylightSavingChange(String expression, ZonedDateTime change) {
        ZoneId zone = change.getZone();
        ZonedDateTime from = change.minusHours(3);
        CronExpression spring = CronExpression.parse(expression);

        IntervalWorker worker = new IntervalWorker(supervisor, "cron", CronSchedule.of(expression, zone),
                WorkerTarget.of(() -> { }));
        worker.setClock(new MovableClock(from.toInstant()));
        worker.start();
        try {
            assertThat(worker.getNextRun()).isEqualTo(spring.next(from).toInstant());
        } finally {
            worker.stop();
        }

        CronSchedule schedule = CronSchedule.of(expression, zone);
        List<Instant> ours = new ArrayList<>();
        List<Instant> springs = new ArrayList<>();
        Instant at = from.toInstant();
        ZonedDateTime springAt = from;
        Instant end = change.plusDays(1).toInstant();
        while (at != null && at.isBefore(end)) {
            at = schedule.next(at);
            springAt = springAt == null ? null : spring.next(springAt);
            ours.add(at);
            springs.add(springAt == null ? null : springAt.toInstant());
        }
        assertThat(ours).isEqualTo(springs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressionsAcrossChanges")
    void eachNextTimeIsAfterTheOneBeforeThroughTheChange(String expression, ZonedDateTime change) {
        // A repeated hour makes no run twice at one instant, and none goes back in time.
        CronSchedule schedule = CronSchedule.of(expression, change.getZone());
        Instant at = change.minusHours(3).toInstant();
        for (int i = 0; i < 200 && at != null; i++) {
            Instant next = schedule.next(at);
            if (next != null) {
                assertThat(next).isAfter(at);
            }
            at = next;
        }
    }

    @Test
    void aScheduleShowsItsExpressionAndZoneAndABadOneSaysWhy() {
        CronSchedule schedule = CronSchedule.of(" 0 0 2 * * * ", ZoneId.of("Europe/Paris"));
        assertThat(schedule.describe()).isEqualTo("cron 0 0 2 * * * (Europe/Paris)");
        assertThat(schedule.getExpression()).isEqualTo("0 0 2 * * *");
        assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.of("0 0 25 * * *", ZoneId.of("UTC")))
                .withMessageContaining("0 0 25 * * *");
        assertThat(CronSchedule.of("@yearly", ZoneId.of("UTC")).next(Instant.parse("2026-12-02T10:00:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }
}
