package dev.tasksupervisor.benchmarks;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Queue throughput: each producer thread (JMH's {@code -t}; the suite runs 1 and 4) puts batches of
 * 10,000 items into one queue worker, against the same items taken from one {@link LinkedBlockingQueue}
 * by one consumer thread. Each item is its producer's latch for the batch, so both consumers do the
 * same work per item and the producers allocate nothing per item.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueWorkerBenchmark {

    static final int ITEMS = 10_000;

    /** Who consumes the items. */
    @Param({"QueueWorker.put", "LinkedBlockingQueue.take"})
    public String consumer;

    private TaskSupervisor supervisor;
    private QueueWorker<CountDownLatch> worker;
    private BlockingQueue<CountDownLatch> queue;
    private Thread taker;

    @Setup
    public void start() {
        switch (consumer) {
            case "QueueWorker.put" -> {
                supervisor = new TaskSupervisor("bench");
                supervisor.start();
                worker = new QueueWorker<>(supervisor, "items", WorkerTarget.of(CountDownLatch::countDown));
                worker.start();
            }
            case "LinkedBlockingQueue.take" -> {
                queue = new LinkedBlockingQueue<>();
                taker = new Thread(this::takeItems, "bench-taker");
                taker.setDaemon(true);
                taker.start();
            }
            default -> throw new IllegalArgumentException("unknown consumer " + consumer);
        }
    }

    private void takeItems() {
        try {
            for (;;) {
                queue.take().countDown();
            }
        } catch (InterruptedException e) {
            // stopped by the tear-down
        }
    }

    @TearDown
    public void stop() throws InterruptedException {
        if (supervisor != null) {
            supervisor.stop();
        }
        if (taker != null) {
            taker.interrupt();
            taker.join();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void putBatch() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(ITEMS);
        if (worker != null) {
            for (int i = 0; i < ITEMS; i++) {
                worker.put(done);
            }
        } else {
            for (int i = 0; i < ITEMS; i++) {
                queue.put(done);
            }
        }
        done.await();
    }
}
