package dev.tasksupervisor.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import dev.tasksupervisor.TaskSupervisor;
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
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public Map<String, Double> run(boolean full) throws Exception {
        Duration window = Duration.ofSeconds(full ? 10 : 3);
        Map<String, Double> results = Harness.results();
        TaskSupervisor supervisor = new TaskSupervisor("bench");
        supervisor.start();
        try {
            // Past the health check's first probe (5 s), which starts the pool's first thread.
            settle(Duration.ofSeconds(6));
            results.put("empty.threads", (double) threads.getThreadCount());
            measureCpu(results, "empty", window);

            long heapBefore = usedHeapAfterGc();
            List<BackgroundWorker> workers = createMixed(supervisor, WORKERS);
            workers.forEach(BackgroundWorker::start);
            long heapAfter = usedHeapAfterGc();
            results.put("workers.heapBytesPerWorker", (double) (heapAfter - heapBefore) / WORKERS);

            settle(Duration.ofSeconds(2));
            results.put("workers.threads", (double) threads.getThreadCount());
            measureCpu(results, "workers", window);
            results.put("workers.extraCpuPercentOfCore",
                    results.get("workers.cpuPercentOfCore") - results.get("empty.cpuPercentOfCore"));
            results.put("workers.extraSupervisorCpuPercentOfCore",
                    results.get("workers.supervisorCpuPercentOfCore") - results.get("empty.supervisorCpuPercentOfCore"));
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
                    hourly.setDelayBefore(Duration.ofHours(1)); // idle from the start, not running once at once
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

    private void measureCpu(Map<String, Double> results, String phase, Duration window) throws IOException {
        long process = processCpu();
        long supervisorThreads = supervisorCpu();
        long start = System.nanoTime();
        LockSupport.parkNanos(window.toNanos());
        long elapsed = System.nanoTime() - start;
        results.put(phase + ".cpuPercentOfCore", 100.0 * (processCpu() - process) / elapsed);
        results.put(phase + ".supervisorCpuPercentOfCore", 100.0 * (supervisorCpu() - supervisorThreads) / elapsed);
    }

    /**
     * CPU time of the whole process in nanoseconds: on Linux the sum of every thread's run time from
     * {@code /proc/self/task/<tid>/schedstat} (GC and JIT threads included, nanosecond precision), since
     * the JVM's process CPU time counts in 10 ms clock ticks, as coarse as the whole budget per window.
     */
    private long processCpu() throws IOException {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return os.getProcessCpuTime();
        }
        long total = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(tasks)) {
            for (Path task : all) {
                try {
                    total += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[0]);
                } catch (NoSuchFileException ended) {
                    // the thread ended while we listed them
                }
            }
        }
        return total;
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
