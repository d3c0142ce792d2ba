package dev.tasksupervisor.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.benchmarks.ProcessCost;
import dev.tasksupervisor.benchmarks.Profile;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Event trigger → target start on an idle worker, against waking a parked thread with
 * {@link LockSupport#unpark} and (for information) an idle {@link ThreadPoolExecutor}'s {@code execute}.
 * All three stay set up for the whole run; after a block of warm-up each, every round measures a block
 * of wake-ups of each, one after another, so that the pair of one round sees the same machine. Each
 * wake-up is spaced {@value #GAP_MICROS} µs after the previous one was seen, so the woken side has
 * parked. The CPU and bytes per wake-up cover the whole process, the waking thread's timed park
 * included (the same on every side).
 */
final class TriggerLatencyHarness implements Harness.Measurement {

    private static final long GAP_MICROS = 200;

    /** Written by the measuring thread before each wake-up, read by the woken side. */
    private volatile long wokenAt;
    private final Semaphore started = new Semaphore(0);
    private Samples samples;

    @Override
    public Harness.Results run(Profile profile) throws Exception {
        Map<String, Runnable> wakes = new LinkedHashMap<>();
        Thread parked = startParkedThread();
        wakes.put("unpark", () -> {
            go.release();
            LockSupport.unpark(parked);
        });
        ThreadPoolExecutor pool = new ThreadPoolExecutor(10, 10, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        pool.prestartAllCoreThreads();
        Runnable task = this::record;
        wakes.put("execute", () -> pool.execute(task));
        TaskSupervisor supervisor = new TaskSupervisor("bench");
        supervisor.start();
        EventWorker worker = new EventWorker(supervisor, "event", WorkerTarget.of(this::record));
        worker.start();
        wakes.put("trigger", worker::trigger);

        Harness.Results results = new Harness.Results();
        try {
            for (Runnable wake : wakes.values()) {
                measure(profile.triggerSamples(), wake); // warm-up
            }
            for (int round = 0; round < profile.pairs(); round++) {
                for (Map.Entry<String, Runnable> wake : wakes.entrySet()) {
                    ProcessCost before = ProcessCost.now();
                    Samples block = measure(profile.triggerSamples(), wake.getValue());
                    ProcessCost after = ProcessCost.now();
                    results.putLatencies(wake.getKey(), round, block);
                    results.put(wake.getKey(), round, "cpu", after.cpuPerOp(before, block.count()));
                    results.put(wake.getKey(), round, "bytes", after.bytesPerOp(before, block.count()));
                }
            }
        } finally {
            supervisor.stop();
            pool.shutdownNow();
        }
        return results;
    }

    /** Called on the woken side as its first action. */
    private void record() {
        samples.add(System.nanoTime() - wokenAt);
        started.release();
    }

    private Samples measure(int count, Runnable wake) throws InterruptedException {
        samples = new Samples(count);
        for (int i = 0; i < count; i++) {
            LockSupport.parkNanos(GAP_MICROS * 1_000);
            wokenAt = System.nanoTime();
            wake.run();
            started.acquire();
        }
        return samples;
    }

    /** Tells the parked thread's real wake-ups from spurious ones. */
    private final Semaphore go = new Semaphore(0);

    private Thread startParkedThread() {
        Thread parked = new Thread(() -> {
            for (;;) {
                while (!go.tryAcquire()) {
                    LockSupport.park(this);
                }
                record();
            }
        }, "bench-parked");
        parked.setDaemon(true);
        parked.start();
        return parked;
    }
}
