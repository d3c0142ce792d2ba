package dev.tasksupervisor.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

import org.springframework.scheduling.support.CronExpression;

import dev.tasksupervisor.worker.WorkerSchedule;

/**
 * A {@link WorkerSchedule} from a cron expression in a time zone, read by Spring's own {@link CronExpression}: the
 * six fields of {@code @Scheduled(cron)} (second, minute, hour, day of month, month, day of week), its macros
 * ({@code @yearly}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @hourly}) and its handling of
 * daylight-saving changes: a time that a change skips runs at the first time after it, one that a change repeats
 * runs once. What {@code @Worker(cron = ..., zone = ...)} makes; plain code can make one with {@link #of}.
 */
public final class CronSchedule implements WorkerSchedule {

    private final String expression;
    private final CronExpression cron;
    private final ZoneId zone;

    private CronSchedule(String expression, CronExpression cron, ZoneId zone) {
        this.expression = expression;
        this.cron = cron;
        this.zone = zone;
    }

    /**
     * The schedule of {@code expression} in {@code zone}.
     *
     * @throws IllegalArgumentException if {@code expression} is not a cron expression, saying why
     */
    public static CronSchedule of(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zone, "zone");
        String trimmed = expression.trim();
        return new CronSchedule(trimmed, CronExpression.parse(trimmed), zone);
    }

    /** The schedule of {@code expression} in the JVM's default time zone, as {@code @Scheduled(cron)} without a zone. */
    public static CronSchedule of(String expression) {
        return of(expression, ZoneId.systemDefault());
    }

    @Override
    public Instant next(Instant time) {
        ZonedDateTime next = cron.next(time.atZone(zone));
        return next == null ? null : next.toInstant();
    }

    /** The expression as given, trimmed. */
    public String getExpression() {
        return expression;
    }

    /** The time zone the expression is read in. */
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public String describe() {
        return "cron " + expression + " (" + zone + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
