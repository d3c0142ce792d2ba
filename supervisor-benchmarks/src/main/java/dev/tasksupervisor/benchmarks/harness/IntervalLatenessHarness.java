package dev.tasksupervisor.benchmarks.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.benchmarks.Profile;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * A 10 ms schedule: an interval worker against {@link ScheduledThreadPoolExecutor#scheduleAtFixedRate}
 * and (for information) Spring's {@code @Scheduled(fixedRate)}. Each round runs each schedule for a
 * block of the profile's length, one after another, each set up afresh. A schedule's ideal ticks are
 * {@code anchor + k × 10 ms}, the anchor read just before it is set up; a run belongs to the tick at or
 * before its start. The figures per block: how late runs start after their tick (p50, p99, max), the
 * drift (how much later the runs of the last tenth start than those of the first tenth, medians), the
 * ticks in which no run starts, and the runs that start in a tick another run already started in (a burst:
 * a run over an interval late and the next one catching up). The two counts are kept apart, not netted:
 * a timer held up past one interval leaves a tick without a run on both sides, and only a schedule that
 * catches up adds a second run to a later tick. Lateness is taken against the tick a run starts in, so a
 * hold-up of several intervals shows in the counts and in the longest gap between two runs' starts, not in
 * the lateness figures. Each schedule first runs for a second unmeasured, so that
 * class loading and linking are not counted as lateness.
 */
final class IntervalLatenessHarness implements Harness.Measurement {

    static final long INTERVAL_MILLIS = 10;
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);
    private static final Duration WARMUP = Duration.ofSeconds(1);

    /** Run start times of the schedule being measured. */
    static volatile Samples starts;
    /** When the schedule being measured was set up: its tick 0. */
    static volatile long anchor;

    /** One schedule, run for a while. */
    private interface Schedule {
        Samples run(Duration length) throws InterruptedException;
    }

    @Override
    public Harness.Results run(Profile profile) throws InterruptedException {
        String[] names = {"scheduleAtFixedRate", "intervalWorker", "springScheduled"};
        Schedule[] schedules = {IntervalLatenessHarness::measureScheduledExecutor,
                IntervalLatenessHarness::measureIntervalWorker, IntervalLatenessHarness::measureSpringScheduled};
        for (Schedule schedule : schedules) {
            schedule.run(WARMUP);
        }
        Harness.Results results = new Harness.Results();
        for (int round = 0; round < profile.pairs(); round++) {
            for (int i = 0; i < schedules.length; i++) {
                put(results, names[i], round, schedules[i].run(profile.intervalBlock()));
            }
        }
        return results;
    }

    static void recordStart() {
        starts.add(System.nanoTime());
    }

    private static Samples newStarts(Duration length) {
        Samples s = new Samples((int) (length.toMillis() / INTERVAL_MILLIS) + 100);
        starts = s;
        return s;
    }

    private static void put(Harness.Results results, String name, int round, Samples runStarts) {
        int runs = runStarts.count();
        long[] late = new long[runs];
        long firstTick = 0;
        long lastTick = 0;
        long ticksWithRuns = 0;
        long longestGap = 0;
        Samples lateness = new Samples(runs);
        for (int k = 0; k < runs; k++) {
            long sinceAnchor = runStarts.get(k) - anchor;
            longestGap = k == 0 ? 0 : Math.max(longestGap, runStarts.get(k) - runStarts.get(k - 1));
            long tick = Math.floorDiv(sinceAnchor, INTERVAL_NANOS);
            late[k] = sinceAnchor - tick * INTERVAL_NANOS;
            lateness.add(late[k]);
            // starts are in order, so a tick's runs are adjacent: a new tick is one the last run was not in
            ticksWithRuns += k == 0 || tick != lastTick ? 1 : 0;
            firstTick = k == 0 ? tick : firstTick;
            lastTick = tick;
        }
        int tenth = Math.max(1, runs / 10);
        results.put(name, round, "runs", runs);
        results.put(name, round, "missedTicks", lastTick - firstTick + 1 - ticksWithRuns);
        results.put(name, round, "burstRuns", runs - ticksWithRuns);
        results.put(name, round, "longestGap", Harness.micros(longestGap));
        results.put(name, round, "p50", Harness.micros(lateness.percentile(50)));
        results.put(name, round, "p99", Harness.micros(lateness.percentile(99)));
        results.put(name, round, "max", Harness.micros(lateness.max()));
        results.put(name, round, "drift", Harness.micros(median(late, runs - tenth, runs) - median(late, 0, tenth)));
    }

    private static long median(long[] values, int from, int to) {
        long[] part = Arrays.copyOfRange(values, from, to);
        Arrays.sort(part);
        return part[part.length / 2];
    }

    private static Samples measureScheduledExecutor(Duration length) throws InterruptedException {
        Samples s = newStarts(length);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        Runnable task = IntervalLatenessHarness::recordStart; // linked before the anchor is read
        anchor = System.nanoTime();
        timer.scheduleAtFixedRate(task, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        LockSupport.parkNanos(length.toNanos());
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        return s;
    }

    private static Samples measureSpringScheduled(Duration length) {
        Samples s = newStarts(length);
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(SpringJob.class)) {
            LockSupport.parkNanos(length.toNanos());
        }
        return s;
    }

    private static Samples measureIntervalWorker(Duration length) {
        Samples s = newStarts(length);
        TaskSupervisor supervisor = new TaskSupervisor("bench");
        supervisor.start();
        IntervalWorker worker = new IntervalWorker(supervisor, "tick", Duration.ofMillis(INTERVAL_MILLIS),
                WorkerTarget.of(IntervalLatenessHarness::recordStart));
        anchor = System.nanoTime();
        worker.start();
        LockSupport.parkNanos(length.toNanos());
        supervisor.stop();
        return s;
    }

    /** What a Spring user writes: {@code @Scheduled(fixedRate = 10)} on a bean method. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class SpringJob {

        @Bean
        Tick tick() {
            return new Tick();
        }

        /** Spring's own scheduler, only noting when the schedule is set up. */
        @Bean
        ThreadPoolTaskScheduler taskScheduler() {
            return new ThreadPoolTaskScheduler() {
                @Override
                public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
                    anchor = System.nanoTime();
                    return super.scheduleAtFixedRate(task, period);
                }

                @Override
                public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
                    anchor = System.nanoTime() + Duration.between(Instant.now(), startTime).toNanos();
                    return super.scheduleAtFixedRate(task, startTime, period);
                }
            };
        }
    }

    /** The scheduled bean. */
    static class Tick {

        @Scheduled(fixedRate = INTERVAL_MILLIS)
        void tick() {
            recordStart();
        }
    }
}
