package dev.tasksupervisor.benchmarks.harness;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Event trigger → target start on an idle worker, against waking a parked thread with
 * {@link LockSupport#unpark} and against an idle {@link ThreadPoolExecutor}'s {@code execute}. Each
 * sample is spaced {@value #GAP_MICROS} µs after the previous one ended, so the woken side has parked.
 */
final class TriggerLatencyHarness implements Harness.Measurement {

    private static final long GAP_MICROS = 200;

    /** Written by the measuring thread before each wake-up, read by the woken side. */
    private volatile long wokenAt;
    private final Semaphore started = new Semaphore(0);
    private Samples samples;

    @Override
    public Map<String, Double> run(boolean full) throws Exception {
        int warmup = full ? 20_000 : 3_000;
        int count = full ? 50_000 : 10_000;
        Map<String, Double> results = Harness.results();
        Harness.putLatencies(results, "unpark", measureUnpark(warmup, count));
        Harness.putLatencies(results, "executor", measureExecutor(warmup, count));
        Harness.putLatencies(results, "trigger", measureTrigger(warmup, count));
        return results;
    }

    /** Called on the woken side as its first action. */
    private void record() {
        samples.add(System.nanoTime() - wokenAt);
        started.release();
    }

    private Samples measure(int warmup, int count, Runnable wake) throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            samples = new Samples(round == 0 ? warmup : count);
            int n = round == 0 ? warmup : count;
            for (int i = 0; i < n; i++) {
                LockSupport.parkNanos(GAP_MICROS * 1_000);
                wokenAt = System.nanoTime();
                wake.run();
                started.acquire();
            }
        }
        return samples;
    }

    private Samples measureUnpark(int warmup, int count) throws InterruptedException {
        Semaphore go = new Semaphore(0); // only to tell spurious wake-ups from real ones
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
        return measure(warmup, count, () -> {
            go.release();
            LockSupport.unpark(parked);
        });
    }

    private Samples measureExecutor(int warmup, int count) throws InterruptedException {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(10, 10, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        pool.prestartAllCoreThreads();
        Runnable task = this::record;
        try {
            return measure(warmup, count, () -> pool.execute(task));
        } finally {
            pool.shutdownNow();
        }
    }

    private Samples measureTrigger(int warmup, int count) throws InterruptedException {
        TaskSupervisor supervisor = new TaskSupervisor("bench");
        supervisor.start();
        EventWorker worker = new EventWorker(supervisor, "event", WorkerTarget.of(this::record));
        worker.start();
        try {
            return measure(warmup, count, worker::trigger);
        } finally {
            supervisor.stop();
        }
    }
}
