package dev.tasksupervisor.benchmarks;

import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that adds, beside each iteration's throughput, the whole process's CPU nanoseconds
 * and allocated bytes per operation ({@link ProcessCost}): every thread counts, the executors' threads
 * as much as the benchmark's own. Use with {@code -prof dev.tasksupervisor.benchmarks.CostProfiler}.
 */
public final class CostProfiler implements InternalProfiler {

    /** The secondary results' labels. */
    public static final String CPU = "cpu.ns/op";
    public static final String BYTES = "alloc.bytes/op";

    private ProcessCost before;

    @Override
    public String getDescription() {
        return "CPU time and heap allocation of the whole process per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = ProcessCost.now();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        ProcessCost after = ProcessCost.now();
        long ops = result.getMetadata().getAllOps();
        if (ops <= 0) {
            return List.of();
        }
        return List.of(
                new ScalarResult(CPU, after.cpuPerOp(before, ops), "ns/op", AggregationPolicy.AVG),
                new ScalarResult(BYTES, after.bytesPerOp(before, ops), "B/op", AggregationPolicy.AVG));
    }
}
