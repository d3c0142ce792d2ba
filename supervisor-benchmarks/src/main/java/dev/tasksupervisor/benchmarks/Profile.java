package dev.tasksupervisor.benchmarks;

import java.time.Duration;

/**
 * How much a run of the suite measures: how many pairs per figure, and the size of each measurement.
 *
 * @param name {@code quick} or {@code full}
 * @param pairs how many times each figure and its baseline are measured, back to back
 * @param warmupIterations JMH warm-up iterations of one second per fork
 * @param measurementIterations JMH measured iterations of one second per fork
 * @param triggerSamples wake-ups measured per block of the trigger harness
 * @param intervalBlock how long each schedule of the interval harness runs per block
 * @param idleWindow how long the idle harness measures CPU, with and without the workers
 * @param stopRounds supervisors stopped by the stop harness
 * @param cronBlock how long each round of the cron harness runs (its two schedules interleaved)
 * @param durableItems items stored, then drained, per measurement of the durable harness
 * @param durableLatencySamples idle puts timed to their run's start per round of the durable harness
 */
public record Profile(String name, int pairs, int warmupIterations, int measurementIterations, int triggerSamples,
        Duration intervalBlock, Duration idleWindow, int stopRounds, Duration cronBlock, int durableItems,
        int durableLatencySamples) {

    /** 15 to 20 minutes on two cores, JVM starts included. */
    public static final Profile QUICK = new Profile("quick", 7, 2, 5, 3_000, Duration.ofSeconds(2),
            Duration.ofSeconds(3), 200, Duration.ofSeconds(10), 5_000, 200);
    /** 33 to 40 minutes on two cores, JVM starts included. */
    public static final Profile FULL = new Profile("full", 10, 3, 8, 10_000, Duration.ofSeconds(5),
            Duration.ofSeconds(10), 500, Duration.ofSeconds(30), 20_000, 500);

    /**
     * The profile of this name.
     *
     * @throws IllegalArgumentException for another name
     */
    public static Profile named(String name) {
        return switch (name) {
            case "quick" -> QUICK;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException("unknown profile '" + name + "': use quick or full");
        };
    }
}
