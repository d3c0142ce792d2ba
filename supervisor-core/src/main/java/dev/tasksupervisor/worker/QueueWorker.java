package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.TaskSupervisor;

/**
 * Runs its target once per item {@link #put} into its queue, in order: neotasker's
 * {@code BackgroundQueueWorker}, without its losses. Optionally a priority order (a
 * {@link Comparator}), a bounded capacity, or batches of up to N items (the batch lingers up to the
 * poll delay to fill before it runs with what it has).
 *
 * <p>No item is lost: {@link #stop()} drains the queue first; with a timeout, the items still queued
 * when it expires go to the undelivered-items handler (default: a WARN with the count) and are
 * returned by {@link #stop(Duration)}. {@code put} on a worker that is not active, of a {@code null},
 * or into a full queue throws.
 *
 * <p>Items run back to back: a put into an idle worker hands one drain task to the pool, which then
 * takes items until the queue is empty (yielding its thread every {@value #ITEMS_PER_TASK} items).
 * Invariant: only the holder of {@code scheduled} takes items from the queue and runs the target, so
 * runs never overlap; {@code lingering} (a batch waiting to fill) belongs to that holder too.
 */
public class QueueWorker<T> extends BackgroundWorker {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);

    /** Items one pool task handles before it hands the drain to a fresh task, so busy workers share threads. */
    static final int ITEMS_PER_TASK = 1024;

    private final int batchSize;
    private volatile int capacity;
    private volatile Comparator<? super T> comparator;
    private volatile Consumer<List<T>> undeliveredHandler = this::logUndelivered;

    /** Made at each start; never replaced while the worker is active. */
    private volatile BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    /** Capacity of a bounded priority queue (PriorityBlockingQueue itself is unbounded), else null. */
    private volatile Semaphore permits;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicReference<List<T>> lingering = new AtomicReference<>();
    private volatile List<T> undelivered = List.of();

    /** A worker that runs {@code target} once per item, in order. */
    public QueueWorker(TaskSupervisor supervisor, String name, WorkerTarget<T> target) {
        this(supervisor, name, target, 0);
    }

    private QueueWorker(TaskSupervisor supervisor, String name, WorkerTarget<?> target, int batchSize) {
        super(supervisor, name, target, target.isAsync());
        this.batchSize = batchSize;
    }

    /**
     * For subclasses that override {@link #run(Object, WorkerContext)}, or with {@code batchSize} &gt; 0
     * {@link #runBatch(List, WorkerContext)}.
     */
    protected QueueWorker(TaskSupervisor supervisor, String name, boolean async, int batchSize) {
        super(supervisor, name, null, async);
        this.batchSize = requireBatchSize(batchSize, name);
    }

    /**
     * A worker that runs {@code target} once per batch of up to {@code batchSize} items. A batch that is
     * not full waits up to the poll delay for more items, then runs with what it has.
     */
    public static <T> QueueWorker<T> batched(TaskSupervisor supervisor, String name, int batchSize,
            WorkerTarget<List<T>> target) {
        return new QueueWorker<>(supervisor, name, target, requireBatchSize(batchSize, name));
    }

    private static int requireBatchSize(int batchSize, String name) {
        if (batchSize < 0) {
            throw new IllegalArgumentException("worker '" + name + "': batchSize must not be negative, was " + batchSize);
        }
        return batchSize;
    }

    /** The work for one item, for subclasses that pass no target. */
    protected Object run(T item, WorkerContext context) throws Exception {
        return super.invoke(item, context);
    }

    /** The work for one batch, for subclasses that pass no target and use batches. */
    protected Object runBatch(List<T> items, WorkerContext context) throws Exception {
        return super.invoke(items, context);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected final Object invoke(Object input, WorkerContext context) throws Exception {
        return batchSize > 0 ? runBatch((List<T>) input, context) : run((T) input, context);
    }

    // ------------------------------------------------------------------ settings

    /** Bounds the queue to {@code capacity} items; 0 (the default) leaves it unbounded. */
    public void setCapacity(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("worker '" + getName() + "': queue capacity must not be negative, was "
                    + capacity);
        }
        this.capacity = capacity;
    }

    /** Orders the queue by {@code comparator} (smallest first) instead of first in, first out. */
    public void setComparator(Comparator<? super T> comparator) {
        this.comparator = comparator;
    }

    /** Receives the items a stop could not handle in time; by default they are logged (count only) at WARN. */
    public void setUndeliveredHandler(Consumer<List<T>> handler) {
        this.undeliveredHandler = Objects.requireNonNull(handler, "handler");
    }

    /** The most items per batch; 0 when the worker takes single items. */
    public int getBatchSize() {
        return batchSize;
    }

    /** The queue's capacity; 0 when unbounded. */
    public int getCapacity() {
        return capacity;
    }

    @Override
    public WorkerKind getKind() {
        return WorkerKind.QUEUE;
    }

    @Override
    public String getSchedule() {
        return batchSize > 0 ? "per batch of up to " + batchSize : "per item";
    }

    @Override
    public int getQueueSize() {
        List<T> held = lingering.get();
        return queue.size() + (held == null ? 0 : held.size());
    }

    // ------------------------------------------------------------------ putting items

    /**
     * Adds an item; the target runs for it after the items before it.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException if the worker is not active, or the queue is full
     */
    public void put(T item) {
        try {
            enqueue(item, 0);
        } catch (InterruptedException e) {
            throw new AssertionError("a put that does not wait cannot be interrupted", e);
        }
    }

    /**
     * Adds an item, waiting up to {@code timeout} for space in a bounded queue.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException if the worker is not active, or the queue is still full after the timeout
     * @throws InterruptedException if interrupted while waiting; the item was not added
     */
    public void put(T item, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        enqueue(item, Math.max(0, timeout.toNanos()));
    }

    private void enqueue(T item, long timeoutNanos) throws InterruptedException {
        if (item == null) {
            throw new NullPointerException("worker '" + getName() + "': queue items must not be null");
        }
        requireActive();
        BlockingQueue<T> q = queue;
        Semaphore p = permits;
        boolean added;
        if (p != null) {
            added = timeoutNanos == 0 ? p.tryAcquire() : p.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
            if (added) {
                q.add(item);
            }
        } else {
            added = timeoutNanos == 0 ? q.offer(item) : q.offer(item, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (!added) {
            throw new IllegalStateException("the queue of worker '" + getName() + "' is full (capacity " + capacity
                    + ")" + (timeoutNanos > 0 ? " and stayed full for " + Duration.ofNanos(timeoutNanos) : "")
                    + ": put with a timeout to wait for space, or raise the capacity");
        }
        // A stop that finished between the check above and the add would strand the item: take it back.
        if (!isActive() && q.remove(item)) {
            released(p, 1);
            requireActive();
        }
        if (scheduled.compareAndSet(false, true)) {
            dispatchDrain();
        }
    }

    private void requireActive() {
        WorkerState s = getState();
        if (s != WorkerState.ACTIVE) {
            throw new IllegalStateException("queue worker '" + getName() + "' is " + s
                    + " and accepts no items: start it before putting items");
        }
    }

    private static void released(Semaphore p, int count) {
        if (p != null && count > 0) {
            p.release(count);
        }
    }

    // ------------------------------------------------------------------ draining

    @Override
    protected void onStart() {
        Comparator<? super T> order = comparator;
        int limit = capacity;
        if (order != null) {
            queue = new PriorityBlockingQueue<>(11, order);
            permits = limit > 0 ? new Semaphore(limit) : null;
        } else {
            queue = new LinkedBlockingQueue<>(limit > 0 ? limit : Integer.MAX_VALUE);
            permits = null;
        }
        lingering.set(null);
        undelivered = List.of();
        scheduled.set(false);
    }

    private void dispatchDrain() {
        try {
            if (isAsync()) {
                timerLoop().executor().execute(this::drainAsync);
            } else {
                executeOnPool(this::drain);
            }
        } catch (RejectedExecutionException e) {
            // The supervisor is stopping and nothing can run the target: hand the items back.
            requestStop();
            handBack();
        }
    }

    /** Takes the next input: an item, or a batch. {@code null} when there is nothing to run now. */
    private Object next(BlockingQueue<T> q) {
        if (batchSize == 0) {
            T item = q.poll();
            if (item != null) {
                released(permits, 1);
            }
            return item;
        }
        List<T> held = lingering.getAndSet(null);
        List<T> batch = held != null ? held : new ArrayList<>(batchSize);
        int taken = q.drainTo(batch, batchSize - batch.size());
        released(permits, taken);
        if (batch.isEmpty()) {
            return null;
        }
        Duration linger = getSupervisor().getPollDelay();
        if (held == null && batch.size() < batchSize && isActive() && !linger.isZero()) {
            // Wait up to the poll delay for the batch to fill; the timer keeps ownership of the drain.
            lingering.set(batch);
            try {
                timerLoop().schedule(this::dispatchDrain, linger);
                return LINGER;
            } catch (RejectedExecutionException e) {
                lingering.set(null);
            }
        }
        return batch;
    }

    /** Returned by {@link #next} when a batch waits to fill: the drain pauses, still owned. */
    private static final Object LINGER = new Object();

    private void drain() {
        BlockingQueue<T> q = queue;
        int handled = 0;
        for (;;) {
            if (getState() == WorkerState.STOPPED) {
                scheduled.set(false); // a forced stop took the rest
                return;
            }
            Object input = next(q);
            if (input == LINGER) {
                return;
            }
            if (input == null) {
                if (!idle(q)) {
                    return;
                }
                continue;
            }
            if (!runSync(input)) {
                handBack();
                return;
            }
            if (++handled == ITEMS_PER_TASK) {
                dispatchDrain(); // still owned: a fresh task goes on, this thread returns to the pool
                return;
            }
        }
    }

    private void drainAsync() {
        BlockingQueue<T> q = queue;
        for (;;) {
            if (getState() == WorkerState.STOPPED) {
                scheduled.set(false);
                return;
            }
            Object input = next(q);
            if (input == LINGER) {
                return;
            }
            if (input == null) {
                if (!idle(q)) {
                    return;
                }
                continue;
            }
            runAsync(input).thenAccept(goOn -> {
                if (!goOn) {
                    handBack();
                } else {
                    dispatchDrain();
                }
            });
            return;
        }
    }

    /**
     * The queue looked empty: finish a stop, or give up ownership. Returns whether the drain should go
     * on (it took ownership back because an item arrived, or a stop began, meanwhile).
     */
    private boolean idle(BlockingQueue<T> q) {
        if (getState() == WorkerState.STOPPING) {
            finishStop();
            scheduled.set(false);
            return false;
        }
        scheduled.set(false);
        // An item put, or a stop begun, after the poll above found this drain still owning the queue.
        return (!q.isEmpty() || !isActive()) && scheduled.compareAndSet(false, true);
    }

    @Override
    protected void onStopRequested() {
        undelivered = List.of();
        if (scheduled.compareAndSet(false, true)) {
            dispatchDrain(); // drains what is left, then finishes the stop
        }
    }

    @Override
    protected void onForceStop() {
        handOver(takeAll());
    }

    /** Ends the worker without running the target again: what is queued goes to the handler. */
    private void handBack() {
        handOver(takeAll());
        finishStop();
        scheduled.set(false);
    }

    private List<T> takeAll() {
        List<T> rest = new ArrayList<>();
        List<T> held = lingering.getAndSet(null);
        if (held != null) {
            rest.addAll(held);
        }
        released(permits, queue.drainTo(rest));
        return rest;
    }

    private void handOver(List<T> rest) {
        if (rest.isEmpty()) {
            return;
        }
        undelivered = List.copyOf(rest);
        try {
            undeliveredHandler.accept(undelivered);
        } catch (RuntimeException e) {
            log.error("The undelivered-items handler of worker '{}' failed", getName(), e);
        }
    }

    private void logUndelivered(List<T> items) {
        log.warn("Worker '{}' stopped with {} undelivered item(s): they were handed back by stop()", getName(),
                items.size());
    }

    /** The items the last stop could not handle in time. */
    @Override
    protected List<T> undelivered() {
        return undelivered;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<T> stop() {
        return (List<T>) super.stop();
    }

    /**
     * Stops the worker, draining the queue for at most {@code wait}; then the run in progress is
     * interrupted and the items still queued go to the undelivered-items handler.
     *
     * @return the items that were not handled
     */
    @Override
    @SuppressWarnings("unchecked")
    public List<T> stop(Duration wait) {
        return (List<T>) super.stop(wait);
    }
}
