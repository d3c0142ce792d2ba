package dev.tasksupervisor.benchmarks.harness;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.benchmarks.ProcessCost;
import dev.tasksupervisor.benchmarks.Profile;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * The cost of 10,000 idle workers of mixed kinds (event, queue, batched queue, hourly interval): CPU
 * over a window, against the same supervisor before the workers were added; live threads before and
 * after; heap per worker. CPU is the whole process's (JIT and GC included) and, separately, the
 * supervisor's own threads'.
 */
final class IdleWorkersHarness implements Harness.Measurement {

    static final int WORKERS = 10_000;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Override
    public Harness.Results run(Profile profile) throws Exception {
        Duration window = profile.idleWindow();
        Harness.Results results = new Harness.Results();
        TaskSupervisor supervisor = new TaskSupervisor("bench");
        supervisor.start();
        try {
            // Past the health check's first probe (5 s), which starts the pool's first thread.
            settle(Duration.ofSeconds(6));
            int emptyThreads = threads.getThreadCount();
            double[] empty = cpuPercentOfCore(window);

            long heapBefore = usedHeapAfterGc();
            List<BackgroundWorker> workers = createMixed(supervisor, WORKERS);
            workers.forEach(BackgroundWorker::start);
            long heapAfter = usedHeapAfterGc();

            settle(Duration.ofSeconds(2));
            int workerThreads = threads.getThreadCount();
            double[] busy = cpuPercentOfCore(window);
            results.put("empty", 0, "threads", emptyThreads);
            results.put("empty", 0, "cpuPercentOfCore", empty[0]);
            results.put("empty", 0, "supervisorCpuPercentOfCore", empty[1]);
            results.put("workers", 0, "threads", workerThreads);
            results.put("workers", 0, "heapBytesPerWorker", (double) (heapAfter - heapBefore) / WORKERS);
            results.put("workers", 0, "cpuPercentOfCore", busy[0]);
            results.put("workers", 0, "supervisorCpuPercentOfCore", busy[1]);
            results.put("workers", 0, "extraCpuPercentOfCore", busy[0] - empty[0]);
            results.put("workers", 0, "extraSupervisorCpuPercentOfCore", busy[1] - empty[1]);
        } finally {
            supervisor.stop();
        }
        return results;
    }

    /** {@code count} started-able idle workers, an equal share of each kind. */
    static List<BackgroundWorker> createMixed(TaskSupervisor supervisor, int count) {
        List<BackgroundWorker> workers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = "idle-" + i;
            workers.add(switch (i % 4) {
                case 0 -> new EventWorker(supervisor, name, WorkerTarget.of(() -> { }));
                case 1 -> new QueueWorker<String>(supervisor, name, WorkerTarget.of(item -> { }));
                case 2 -> QueueWorker.<String>batched(supervisor, name, 100, WorkerTarget.of(batch -> { }));
                default -> {
                    IntervalWorker hourly = new IntervalWorker(supervisor, name, Duration.ofHours(1), WorkerTarget.of(() -> { }));
                    hourly.setInitialDelay(Duration.ofHours(1)); // idle from the start, not running once at once
                    yield hourly;
                }
            });
        }
        return workers;
    }

    /** Lets the JIT and the start-up work quiet down before a window. */
    private static void settle(Duration time) {
        System.gc();
        LockSupport.parkNanos(time.toNanos());
    }

    /** The CPU the process and, apart, the supervisor's threads use over {@code window}, in % of one core. */
    private double[] cpuPercentOfCore(Duration window) {
        ProcessCost before = ProcessCost.now();
        long supervisorThreads = supervisorCpu();
        long start = System.nanoTime();
        LockSupport.parkNanos(window.toNanos());
        long elapsed = System.nanoTime() - start;
        return new double[] {100.0 * ProcessCost.now().cpuNanosSince(before) / elapsed,
                100.0 * (supervisorCpu() - supervisorThreads) / elapsed};
    }

    /** CPU time of the supervisor's threads (pool, loops); a thread that ended meanwhile drops out. */
    private long supervisorCpu() {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("supervisor_")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
