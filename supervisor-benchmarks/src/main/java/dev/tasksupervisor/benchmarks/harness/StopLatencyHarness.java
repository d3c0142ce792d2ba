package dev.tasksupervisor.benchmarks.harness;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.benchmarks.Profile;
import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * How long {@code stop()} takes for a supervisor with 100 idle, started workers of mixed kinds: the
 * profile's number of supervisors, after a fifth as many unmeasured.
 */
final class StopLatencyHarness implements Harness.Measurement {

    static final int WORKERS = 100;

    @Override
    public Harness.Results run(Profile profile) {
        stopSupervisors(profile.stopRounds() / 5);
        Samples samples = stopSupervisors(profile.stopRounds());
        Harness.Results results = new Harness.Results();
        results.put("stop", 0, "p50", Harness.micros(samples.percentile(50)));
        results.put("stop", 0, "p99", Harness.micros(samples.percentile(99)));
        results.put("stop", 0, "max", Harness.micros(samples.max()));
        return results;
    }

    private static Samples stopSupervisors(int count) {
        Samples samples = new Samples(count);
        for (int i = 0; i < count; i++) {
            TaskSupervisor supervisor = new TaskSupervisor("bench-" + i);
            supervisor.start();
            IdleWorkersHarness.createMixed(supervisor, WORKERS).forEach(BackgroundWorker::start);
            long start = System.nanoTime();
            supervisor.stop();
            samples.add(System.nanoTime() - start);
        }
        return samples;
    }
}
