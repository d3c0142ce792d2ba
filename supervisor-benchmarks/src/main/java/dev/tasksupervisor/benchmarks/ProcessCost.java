package dev.tasksupervisor.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the whole process has spent so far: CPU time of every thread (JIT and GC threads included) and
 * bytes allocated on the heap by every Java thread. Two snapshots around some work, divided by the
 * operations done, give its cost per operation, which a noisy neighbour disturbs far less than
 * throughput: it slows the work down but does not make it cost more CPU.
 *
 * <p>CPU comes from {@code /proc/self/task/<tid>/schedstat} (nanoseconds, per thread), since the JVM's
 * process CPU time counts in 10 ms clock ticks; elsewhere than Linux it falls back to that. Both are
 * kept per thread and compared thread by thread, so a thread that ends between two snapshots (the JVM
 * retires compiler threads when it has less to compile) takes only its share of the window with it,
 * not all it spent since it started; a thread that starts meanwhile counts in full.
 */
public final class ProcessCost {

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds by thread: the kernel's task id, or on other systems one entry for the whole process. */
    private final Map<Long, Long> cpuByThread;
    /** Allocated bytes by Java thread id. */
    private final Map<Long, Long> bytesByThread;

    private ProcessCost(Map<Long, Long> cpuByThread, Map<Long, Long> bytesByThread) {
        this.cpuByThread = cpuByThread;
        this.bytesByThread = bytesByThread;
    }

    /** The process's cost so far. */
    public static ProcessCost now() {
        return new ProcessCost(readCpu(), readAllocatedBytes());
    }

    /** CPU nanoseconds spent from {@code earlier} to this snapshot. */
    public long cpuNanosSince(ProcessCost earlier) {
        return since(cpuByThread, earlier.cpuByThread);
    }

    /** Heap bytes allocated from {@code earlier} to this snapshot. */
    public long bytesSince(ProcessCost earlier) {
        return since(bytesByThread, earlier.bytesByThread);
    }

    /** CPU nanoseconds per operation from {@code earlier} to this snapshot. */
    public double cpuPerOp(ProcessCost earlier, long operations) {
        return (double) cpuNanosSince(earlier) / operations;
    }

    /** Bytes allocated per operation from {@code earlier} to this snapshot. */
    public double bytesPerOp(ProcessCost earlier, long operations) {
        return (double) bytesSince(earlier) / operations;
    }

    private static long since(Map<Long, Long> now, Map<Long, Long> earlier) {
        long total = 0;
        for (Map.Entry<Long, Long> thread : now.entrySet()) {
            total += Math.max(0, thread.getValue() - earlier.getOrDefault(thread.getKey(), 0L));
        }
        return total;
    }

    private static Map<Long, Long> readCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            cpu.put(0L, ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime());
            return cpu;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String line = Files.readString(task.resolve("schedstat"));
                    cpu.put(Long.parseLong(task.getFileName().toString()),
                            Long.parseLong(line.substring(0, line.indexOf(' '))));
                } catch (NoSuchFileException ended) {
                    // the thread ended while the tasks were listed
                } catch (IOException ended) {
                    // the thread ended between opening its file and reading it (ESRCH: "No such process")
                    if (Files.exists(task)) {
                        throw ended;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of this process's threads", e);
        }
        return cpu;
    }

    private static Map<Long, Long> readAllocatedBytes() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> allocated = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) { // -1 for a thread that ended meanwhile
                allocated.put(ids[i], bytes[i]);
            }
        }
        return allocated;
    }
}
