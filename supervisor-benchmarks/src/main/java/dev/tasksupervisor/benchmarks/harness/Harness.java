package dev.tasksupervisor.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measurements JMH does not fit (latency percentiles, timer jitter, idle cost, stop latency), each
 * run in a fresh JVM by {@code BenchmarkSuite} with {@code <harness> <quick|full>}. A harness prints its
 * figures as {@code result.<name>=<value>} lines; times are in microseconds.
 */
public final class Harness {

    /** One measurement: runs with the profile's sizes and returns its named figures. */
    interface Measurement {
        Map<String, Double> run(boolean full) throws Exception;
    }

    private Harness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[1].equals("quick") || args[1].equals("full"))) {
            throw new IllegalArgumentException("usage: Harness <trigger|interval|idle|stop> <quick|full>");
        }
        Measurement measurement = switch (args[0]) {
            case "trigger" -> new TriggerLatencyHarness();
            case "interval" -> new IntervalJitterHarness();
            case "idle" -> new IdleWorkersHarness();
            case "stop" -> new StopLatencyHarness();
            default -> throw new IllegalArgumentException("unknown harness " + args[0]);
        };
        Map<String, Double> results = measurement.run(args[1].equals("full"));
        results.forEach((name, value) -> System.out.println("result." + name + "=" + value));
        System.exit(0); // the baselines' own threads (a Spring scheduler, parked threads) must not keep us
    }

    /** Percentiles of {@code samples}, in microseconds, under {@code prefix}. */
    static void putLatencies(Map<String, Double> results, String prefix, Samples samples) {
        results.put(prefix + ".p50", micros(samples.percentile(50)));
        results.put(prefix + ".p99", micros(samples.percentile(99)));
        results.put(prefix + ".p999", micros(samples.percentile(99.9)));
        results.put(prefix + ".max", micros(samples.max()));
    }

    static double micros(long nanos) {
        return nanos / 1_000.0;
    }

    static Map<String, Double> results() {
        return new LinkedHashMap<>();
    }
}
