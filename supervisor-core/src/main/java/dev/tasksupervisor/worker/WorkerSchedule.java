package dev.tasksupervisor.worker;

import java.time.Instant;

/**
 * When an {@link IntervalWorker} runs, as a rule over wall-clock time: given one run's time, the next one's.
 * A cron expression is one (the Spring Boot starter adapts Spring's {@code CronExpression}); plain Java code can
 * bring any rule, a calendar of business hours, say. Called on the worker's timer thread, once per tick: keep it
 * quick and free of side effects.
 */
@FunctionalInterface
public interface WorkerSchedule {

    /**
     * The first run time strictly after {@code time}, or {@code null} when the schedule has no run after it (the
     * worker then stays active and runs only when triggered).
     */
    Instant next(Instant time);

    /** How the worker's view and its start-up log show this schedule, e.g. {@code "cron 0 0 * * * * (UTC)"}. */
    default String describe() {
        return "schedule " + this;
    }
}
