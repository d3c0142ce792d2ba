package dev.tasksupervisor.benchmarks.harness;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.benchmarks.Profile;
import dev.tasksupervisor.schedule.CronSchedule;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * A cron schedule firing every other second: a cron interval worker against Spring's {@code @Scheduled(cron)}
 * (issue 17). Both run at once, interleaved, so that each second one of them fires and both see the same noise:
 * ours at the even seconds ({@code 0/2 * * * * *}), Spring's at the odd ones ({@code 1/2 * * * * *}). A run's
 * lateness is how long after its whole second (by the wall clock, which is what cron reads) the method started.
 * The run is cut into the profile's rounds of {@link Profile#cronBlock()} each: a round's p50 and p99 of each make
 * a pair. The first few seconds are not measured, so that class loading is not counted as lateness.
 */
final class CronLatenessHarness implements Harness.Measurement {

    private static final long SECOND_NANOS = 1_000_000_000L;
    private static final int WARMUP_SECONDS = 10;

    /** Wall-clock start times (ns since the epoch) of each schedule's runs. */
    private static final List<Long> ours = new ArrayList<>();
    private static final List<Long> springs = new ArrayList<>();

    @Override
    public Harness.Results run(Profile profile) throws InterruptedException {
        long blockSeconds = profile.cronBlock().toSeconds();
        long firstSecond = Instant.now().getEpochSecond() + WARMUP_SECONDS;
        TaskSupervisor supervisor = new TaskSupervisor("bench");
        supervisor.start();
        IntervalWorker worker = new IntervalWorker(supervisor, "cron", CronSchedule.of("0/2 * * * * *", ZoneOffset.UTC),
                WorkerTarget.of(() -> record(ours)));
        worker.start();
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(SpringJob.class)) {
            long endSecond = firstSecond + profile.pairs() * blockSeconds;
            LockSupport.parkNanos(Duration.between(Instant.now(), Instant.ofEpochSecond(endSecond + 1)).toNanos());
        } finally {
            supervisor.stop();
        }
        Harness.Results results = new Harness.Results();
        for (int round = 0; round < profile.pairs(); round++) {
            long from = firstSecond + round * blockSeconds;
            results.putLatencies("cronWorker", round, lateness(ours, 0, from, from + blockSeconds));
            results.putLatencies("springCron", round, lateness(springs, 1, from, from + blockSeconds));
        }
        return results;
    }

    private static void record(List<Long> starts) {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * SECOND_NANOS + now.getNano();
        synchronized (starts) {
            starts.add(nanos);
        }
    }

    /**
     * How late each run due in [{@code from}, {@code to}) (whole seconds) started after its second; its ticks are
     * the seconds whose parity (0 even, 1 odd) is {@code parity}.
     */
    private static Samples lateness(List<Long> starts, long parity, long from, long to) {
        List<Long> copy;
        synchronized (starts) {
            copy = new ArrayList<>(starts);
        }
        Samples late = new Samples(copy.size());
        long previous = Long.MIN_VALUE;
        for (long start : copy) {
            // Its tick: the last second of its parity at or before it (a run is never two seconds late here).
            long second = start / SECOND_NANOS;
            if (Math.floorMod(second, 2) != parity) {
                second--;
            }
            if (second >= from && second < to && second != previous) {
                late.add(start - second * SECOND_NANOS);
            }
            previous = second;
        }
        return late;
    }

    /** What a Spring user writes: {@code @Scheduled(cron)} on a bean method, on Spring's default scheduler. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class SpringJob {

        @Bean
        Tick tick() {
            return new Tick();
        }
    }

    /** The scheduled bean. */
    static class Tick {

        @Scheduled(cron = "1/2 * * * * *", zone = "UTC")
        void tick() {
            record(springs);
        }
    }
}
