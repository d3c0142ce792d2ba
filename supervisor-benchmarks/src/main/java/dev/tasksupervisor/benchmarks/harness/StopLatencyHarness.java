package dev.tasksupervisor.benchmarks.harness;

import java.util.Map;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.BackgroundWorker;

/** How long {@code stop()} takes for a supervisor with 100 idle, started workers of mixed kinds. */
final class StopLatencyHarness implements Harness.Measurement {

    static final int WORKERS = 100;

    @Override
    public Map<String, Double> run(boolean full) {
        int warmup = full ? 20 : 5;
        int rounds = full ? 100 : 20;
        Samples samples = null;
        for (int round = 0; round < 2; round++) {
            int n = round == 0 ? warmup : rounds;
            samples = new Samples(n);
            for (int i = 0; i < n; i++) {
                TaskSupervisor supervisor = new TaskSupervisor("bench-" + round + "-" + i);
                supervisor.start();
                IdleWorkersHarness.createMixed(supervisor, WORKERS).forEach(BackgroundWorker::start);
                long start = System.nanoTime();
                supervisor.stop();
                samples.add(System.nanoTime() - start);
            }
        }
        Map<String, Double> results = Harness.results();
        results.put("stop.p50", Harness.micros(samples.percentile(50)));
        results.put("stop.max", Harness.micros(samples.max()));
        return results;
    }
}
