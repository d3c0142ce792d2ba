package dev.tasksupervisor.pool;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work queue that makes a {@link ThreadPoolExecutor} grow like neotasker's pool: a new task goes
 * to an idle thread if one waits, otherwise to a new thread while the pool is below its maximum, and
 * only then into the queue. (A plain executor with an unbounded queue never grows past its core size.)
 *
 * <p>{@link #offer} is called only by the executor's {@code execute}. When it declines a task so the
 * executor adds a thread, and the executor reached its maximum meanwhile, the executor calls
 * {@link #rejectedExecution}, which queues the task after all: nothing is refused while the pool runs.
 * {@code liveThreads} is maintained by the pool's thread factory; it may briefly count a thread that
 * is being created, which only makes the queue take a task a thread would otherwise have started.
 */
final class ScalingQueue extends LinkedTransferQueue<Runnable> implements RejectedExecutionHandler {

    private static final long serialVersionUID = 1L;

    private final transient AtomicInteger liveThreads;
    private final String poolName;

    ScalingQueue(AtomicInteger liveThreads, String poolName) {
        this.liveThreads = liveThreads;
        this.poolName = poolName;
    }

    /** Set once, before the executor accepts its first task. */
    private transient volatile ThreadPoolExecutor executor;

    void attach(ThreadPoolExecutor executor) {
        this.executor = executor;
    }

    @Override
    public boolean offer(Runnable task) {
        if (tryTransfer(task)) {
            return true;
        }
        if (liveThreads.get() < executor.getMaximumPoolSize()) {
            return false; // the executor starts a thread for it
        }
        return super.offer(task);
    }

    @Override
    public void rejectedExecution(Runnable task, ThreadPoolExecutor pool) {
        if (pool.isShutdown()) {
            throw new RejectedExecutionException(poolName + " is stopped and accepts no new tasks");
        }
        super.offer(task);
        // The last thread may have timed out between the executor's refusal and this enqueue;
        // executing again starts a thread for it (or rejects it if the pool stopped meanwhile).
        if (pool.getPoolSize() == 0 && remove(task)) {
            pool.execute(task);
        }
    }
}
