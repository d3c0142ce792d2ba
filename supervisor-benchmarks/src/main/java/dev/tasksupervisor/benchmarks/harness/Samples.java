package dev.tasksupervisor.benchmarks.harness;

import java.util.Arrays;

/** Recorded values (nanoseconds) and their percentiles. Synchronized: the writers are other threads (timers, pool threads). */
final class Samples {

    private final long[] values;
    private int count;

    Samples(int capacity) {
        values = new long[capacity];
    }

    synchronized void add(long value) {
        if (count < values.length) {
            values[count++] = value;
        }
    }

    synchronized int count() {
        return count;
    }

    synchronized long get(int index) {
        return values[index];
    }

    /** The nearest-rank percentile, {@code p} in (0, 100]. */
    synchronized long percentile(double p) {
        if (count == 0) {
            throw new IllegalStateException("no samples recorded");
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)];
    }

    synchronized long max() {
        return percentile(100);
    }
}
