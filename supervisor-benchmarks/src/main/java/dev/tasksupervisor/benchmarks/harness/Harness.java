package dev.tasksupervisor.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tasksupervisor.benchmarks.Profile;

/**
 * The measurements JMH does not fit (latency percentiles, timer lateness, idle cost, stop latency), each
 * run in a fresh JVM by {@code BenchmarkSuite} with {@code <harness> <quick|full>}. A harness prints its
 * figures as {@code result.<variant>#<round>.<metric>=<value>} lines: the suite pairs the variants of
 * one round. Times are in microseconds.
 */
public final class Harness {

    /** One measurement: runs with the profile's sizes and returns its figures. */
    interface Measurement {
        Results run(Profile profile) throws Exception;
    }

    private Harness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Harness <trigger|interval|cron|idle|stop|durable> <quick|full>");
        }
        Measurement measurement = switch (args[0]) {
            case "trigger" -> new TriggerLatencyHarness();
            case "interval" -> new IntervalLatenessHarness();
            case "cron" -> new CronLatenessHarness();
            case "idle" -> new IdleWorkersHarness();
            case "stop" -> new StopLatencyHarness();
            case "durable" -> new DurableQueueHarness();
            default -> throw new IllegalArgumentException("unknown harness " + args[0]);
        };
        measurement.run(Profile.named(args[1])).values.forEach((name, value) ->
                System.out.println("result." + name + "=" + value));
        System.exit(0); // the baselines' own threads (a Spring scheduler, parked threads) must not keep us
    }

    /** The figures of a harness, by variant, round and metric. */
    static final class Results {

        private final Map<String, Double> values = new LinkedHashMap<>();

        void put(String variant, int round, String metric, double value) {
            values.put(variant + "#" + round + "." + metric, value);
        }

        /** Percentiles of {@code samples} (nanoseconds), in microseconds. */
        void putLatencies(String variant, int round, Samples samples) {
            put(variant, round, "p50", micros(samples.percentile(50)));
            put(variant, round, "p99", micros(samples.percentile(99)));
            put(variant, round, "p999", micros(samples.percentile(99.9)));
            put(variant, round, "max", micros(samples.max()));
        }
    }

    static double micros(long nanos) {
        return nanos / 1_000.0;
    }
}
