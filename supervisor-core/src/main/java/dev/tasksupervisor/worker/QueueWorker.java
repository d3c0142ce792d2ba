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
import java.util.concurrent.ScheduledFuture;
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
 * Invariant: only the holder of its start's {@code scheduled} flag takes items from the queue and runs
 * the target, so runs never overlap; a batch waiting to fill belongs to that holder too.
 *
 * <p>With the supervisor's task decorator (and a sync target), each item runs in the context of the
 * thread that put it (MDC, security, tracing), not in that of whoever started the drain: {@code put}
 * applies the decorator to the item's run, on the putter's thread. A batch runs in its first item's
 * putter's context. Without a decorator, a put costs nothing more.
 */
public class QueueWorker<T> extends BackgroundWorker {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);

    /** How long a forced stop waits for a live drain to hand its items back in order before it takes them. */
    private static final Duration SURRENDER_WAIT = Duration.ofMillis(100);

    /** Items one pool task handles before it hands the drain to a fresh task, so busy workers share threads. */
    static final int ITEMS_PER_TASK = 1024;

    private final int batchSize;
    private volatile int capacity;
    private volatile Comparator<? super T> comparator;
    private volatile Consumer<List<T>> undeliveredHandler = this::logUndelivered;

    /** The queue and its drain state for the current start; replaced by each start. */
    private volatile Intake<T> intake = new Intake<>(new LinkedBlockingQueue<>(), null, false);
    private volatile List<T> undelivered = List.of();

    /**
     * One start's queue, and who drains it. Work left over from an earlier start (a drain still
     * finishing, a linger timer) holds its own intake and can never touch the new one: a restart cannot
     * make two drains run at once.
     */
    private static final class Intake<T> {
        /** The items, or with {@code contexts} each item's {@link ContextRun}. */
        final BlockingQueue<Object> queue;
        /** Capacity of a bounded priority queue (PriorityBlockingQueue itself is unbounded), else null. */
        final Semaphore permits;
        /** Whether each item is queued with its putter's context. */
        final boolean contexts;
        /** Held by the one drain that may take items and run the target. */
        final AtomicBoolean scheduled = new AtomicBoolean();
        /** A batch waiting up to the poll delay to fill; belongs to the holder of {@code scheduled}. */
        final AtomicReference<List<Object>> lingering = new AtomicReference<>();
        /** The timer that resumes a lingering batch. */
        volatile ScheduledFuture<?> lingerTimer;
        /**
         * Set while a lingering batch waits for its timer; the timer and a stop race to clear it, and only
         * the winner resumes the drain (cancel() alone cannot tell: it succeeds while the timer task runs).
         */
        final AtomicBoolean lingerPending = new AtomicBoolean();
        /**
         * Set when a forced stop begins, before the run is interrupted: the drain runs nothing more. A drain
         * that is still going (its run ended, or it was between runs) surrenders: it hands back the item it
         * may hold, then everything queued, in queue order. Only if no drain surrenders within
         * {@link #SURRENDER_WAIT} (the run ignores its interruption) does the stopping thread take the items
         * itself; a drain that wakes up after that takes nothing more.
         */
        volatile boolean closed;
        /** Whether the items were handed back after {@code closed}; guarded by this intake's lock. */
        boolean surrendered;

        Intake(BlockingQueue<Object> queue, Semaphore permits, boolean contexts) {
            this.queue = queue;
            this.permits = permits;
            this.contexts = contexts;
        }

        void released(int count) {
            if (permits != null && count > 0) {
                permits.release(count);
            }
        }
    }

    /** A worker that runs {@code target} once per item, in order. */
    public QueueWorker(TaskSupervisor supervisor, String name, WorkerTarget<T> target) {
        this(supervisor, name, target, 0);
    }

    private QueueWorker(TaskSupervisor supervisor, String name, WorkerTarget<?> target, int batchSize) {
        super(supervisor, name, target, isAsync(target, name));
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
            throw new IllegalArgumentException("worker '" + name + "': batchSize must not be negative, was " + batchSize
                    + ": set it to 0 (one item at a time) or more");
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
                    + capacity + ": set it to 0 (unbounded) or more");
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
        Intake<T> in = intake;
        List<Object> held = in.lingering.get();
        return in.queue.size() + (held == null ? 0 : held.size());
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
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE; // centuries: wait as long as it takes
        }
        enqueue(item, nanos);
    }

    private void enqueue(T item, long timeoutNanos) throws InterruptedException {
        if (item == null) {
            throw new NullPointerException("queue worker '" + getName() + "': items must not be null; put a value (an "
                    + "empty Optional or a marker object can stand for nothing)");
        }
        requireActive();
        Intake<T> in = intake;
        // Captured here, on the putter's thread: a failing decorator fails the put, before the item is queued.
        Object element = in.contexts ? captureRun(item) : item;
        boolean added;
        if (in.permits != null) {
            added = timeoutNanos == 0 ? in.permits.tryAcquire() : in.permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
            if (added) {
                in.queue.add(element);
            }
        } else {
            added = timeoutNanos == 0 ? in.queue.offer(element)
                    : in.queue.offer(element, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (!added) {
            throw new IllegalStateException("the queue of worker '" + getName() + "' is full (capacity " + capacity
                    + ")" + (timeoutNanos > 0 ? " and stayed full for " + Duration.ofNanos(timeoutNanos) : "")
                    + ": put with a timeout to wait for space, or raise the capacity");
        }
        // A stop (or stop and restart) that finished between the check above and the add would strand the
        // item in a queue nobody drains: take it back and refuse it.
        if ((!isActive() || intake != in) && in.queue.remove(element)) {
            in.released(1);
            throw new IllegalStateException("queue worker '" + getName() + "' stopped while the item was being put: "
                    + "it was not accepted; start the worker and put it again");
        }
        // Read first: while a drain runs the flag stays set, and a failing CAS still takes the cache line.
        if (!in.scheduled.get() && in.scheduled.compareAndSet(false, true)) {
            dispatchDrain(in);
        }
    }

    private void requireActive() {
        WorkerState s = getState();
        if (s != WorkerState.ACTIVE) {
            throw new IllegalStateException("queue worker '" + getName() + "' is " + s
                    + " and accepts no items: start it before putting items");
        }
    }

    // ------------------------------------------------------------------ draining

    @Override
    protected void onStart() {
        Comparator<? super T> order = comparator;
        int limit = capacity;
        boolean contexts = capturesContext();
        intake = order != null
                ? new Intake<>(new PriorityBlockingQueue<>(11, elementOrder(order, contexts)),
                        limit > 0 ? new Semaphore(limit) : null, contexts)
                : new Intake<>(new LinkedBlockingQueue<>(limit > 0 ? limit : Integer.MAX_VALUE), null, contexts);
        undelivered = List.of();
    }

    /** The order of the queue's elements: the items' order, looking through their contexts if they have one. */
    @SuppressWarnings("unchecked")
    private Comparator<Object> elementOrder(Comparator<? super T> order, boolean contexts) {
        return contexts ? (a, b) -> order.compare(item(a), item(b)) : (Comparator<Object>) order;
    }

    /** The item a queue element holds. */
    @SuppressWarnings("unchecked")
    private T item(Object element) {
        return (T) (element instanceof ContextRun run ? run.item() : element);
    }

    private void dispatchDrain(Intake<T> in) {
        try {
            if (isAsync()) {
                timerLoop().executor().execute(() -> drainAsync(in));
            } else {
                executeOnPool(() -> drain(in), !in.contexts); // items carrying their context run in it, once
            }
        } catch (RejectedExecutionException e) {
            // The supervisor is stopping and nothing can run the target: hand the items back.
            requestStop();
            handBack(in);
        }
    }

    /** Takes the next input: an item, or a batch; {@code null} when there is nothing to run now. */
    private Object next(Intake<T> in) {
        if (batchSize == 0) {
            Object item = in.queue.poll();
            if (item != null) {
                in.released(1);
                if (in.closed) {
                    surrender(in, List.of(item)); // polled as a forced stop began: it goes back first
                    return null;
                }
            }
            return item;
        }
        List<Object> held = in.lingering.getAndSet(null);
        List<Object> batch = held != null ? held : new ArrayList<>(batchSize);
        in.released(in.queue.drainTo(batch, batchSize - batch.size()));
        if (in.closed) {
            surrender(in, batch);
            return null;
        }
        if (batch.isEmpty()) {
            return null;
        }
        Duration linger = getPollDelay();
        if (held == null && batch.size() < batchSize && isActive() && !linger.isZero()) {
            // Wait up to the poll delay for the batch to fill; the timer keeps ownership of the drain.
            in.lingering.set(batch);
            in.lingerPending.set(true);
            try {
                in.lingerTimer = timerLoop().schedule(() -> resumeLinger(in), linger);
                return LINGER;
            } catch (RejectedExecutionException e) {
                in.lingerPending.set(false);
                in.lingering.set(null);
            }
        }
        return batch;
    }

    /** Returned by {@link #next} when a batch waits to fill: the drain pauses, still owned. */
    private static final Object LINGER = new Object();

    private boolean abandoned(Intake<T> in) {
        // Stopped by force, or restarted since: this drain's intake is no longer the worker's.
        return in.closed || getState() == WorkerState.STOPPED || intake != in;
    }

    /**
     * The next input this drain should run, or {@code null} when the drain ends here: the queue is empty
     * (ownership given up, or the stop finished), a batch waits to fill, or the drain was abandoned.
     */
    private Object take(Intake<T> in) {
        for (;;) {
            if (abandoned(in)) {
                if (in.closed) {
                    surrender(in, List.of());
                }
                return null;
            }
            Object input = next(in);
            if (input == LINGER) {
                return null;
            }
            if (input != null) {
                return input;
            }
            if (in.closed) {
                surrender(in, List.of());
                return null;
            }
            if (!idle(in)) {
                return null;
            }
        }
    }

    private void drain(Intake<T> in) {
        int handled = 0;
        for (;;) {
            Object input = take(in);
            if (input == null) {
                return;
            }
            boolean goOn;
            if (in.contexts) {
                goOn = runInContext(input); // each run is decorated, with its own bookkeeping
                handled++;
            } else {
                // Single items queued behind this one run in the same series: the in-progress
                // bookkeeping once, not per item. take() and handBack() may finish a stop, and a batch
                // may hand the drain to its linger timer, so those stay outside the series.
                beginRunSeries();
                try {
                    do {
                        goOn = runInSeries(input);
                        handled++;
                        input = goOn && batchSize == 0 && handled < ITEMS_PER_TASK && !abandoned(in) ? next(in) : null;
                    } while (input != null);
                } finally {
                    endRunSeries();
                }
            }
            if (!goOn) {
                handBack(in);
                return;
            }
            if (handled >= ITEMS_PER_TASK) {
                dispatchDrain(in); // still owned: a fresh task goes on, this thread returns to the pool
                return;
            }
        }
    }

    /** Runs the target for an item or a batch in its putter's context (the first item's, for a batch). */
    private boolean runInContext(Object input) {
        if (batchSize == 0) {
            ContextRun run = (ContextRun) input;
            return run.runInContext(run.item());
        }
        List<?> elements = (List<?>) input;
        List<T> batch = new ArrayList<>(elements.size());
        for (Object element : elements) {
            batch.add(item(element));
        }
        return ((ContextRun) elements.get(0)).runInContext(batch);
    }

    private void drainAsync(Intake<T> in) {
        Object input = take(in);
        if (input == null) {
            return;
        }
        runAsync(input).thenAccept(goOn -> {
            if (!goOn) {
                handBack(in);
            } else if (in.closed) {
                surrender(in, List.of());
            } else if (!abandoned(in)) {
                dispatchDrain(in);
            }
        });
    }

    /**
     * The queue looked empty: finish a stop, or give up ownership. Returns whether the drain should go
     * on (it took ownership back because an item arrived, or a stop began, meanwhile).
     */
    private boolean idle(Intake<T> in) {
        if (getState() == WorkerState.STOPPING) {
            finishStop();
            in.scheduled.set(false);
            return false;
        }
        in.scheduled.set(false);
        // An item put, or a stop begun, after the poll above found this drain still owning the queue.
        return (!in.queue.isEmpty() || !isActive()) && in.scheduled.compareAndSet(false, true);
    }

    @Override
    protected void onStopRequested() {
        Intake<T> in = intake;
        ScheduledFuture<?> linger = in.lingerTimer;
        if (in.scheduled.compareAndSet(false, true)) {
            dispatchDrain(in); // drains what is left, then finishes the stop
        } else if (in.lingerPending.compareAndSet(true, false)) {
            if (linger != null) {
                linger.cancel(false);
            }
            dispatchDrain(in); // a batch was waiting to fill: run it now instead of after the poll delay
        }
    }

    /** The linger timer fired: the batch runs with what it has, unless a stop resumed it first. */
    private void resumeLinger(Intake<T> in) {
        if (in.lingerPending.compareAndSet(true, false)) {
            dispatchDrain(in);
        }
    }

    @Override
    protected void onForceStopping() {
        intake.closed = true;
    }

    /**
     * A forced stop: the run was interrupted (or its stage cancelled). A live drain hands the items back
     * itself, in order (see {@link Intake#closed}); wait briefly for that, then take what is left.
     */
    @Override
    protected void onForceStop() {
        Intake<T> in = intake;
        long deadline = System.nanoTime() + SURRENDER_WAIT.toNanos();
        synchronized (in) {
            try {
                while (!in.surrendered && in.scheduled.get()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(in, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!in.surrendered) {
                surrender(in, List.of()); // no drain, or one stuck in a run that ignores its interruption
            }
        }
    }

    /**
     * Hands back, once per forced stop, {@code held} (what the drain polled as the stop began, which came
     * first) and then everything queued; later calls hand back only what they hold (items a racing put
     * added after that). Wakes a stopping thread that waits for it.
     */
    private void surrender(Intake<T> in, List<Object> held) {
        synchronized (in) {
            List<T> rest = new ArrayList<>(items(in, held));
            if (!in.surrendered) {
                rest.addAll(takeAll(in));
                in.surrendered = true;
                in.notifyAll();
            }
            handOver(in, rest);
        }
    }

    /** Ends the worker without running the target again: what is queued goes to the handler. */
    private void handBack(Intake<T> in) {
        synchronized (in) {
            handOver(in, takeAll(in));
            in.surrendered = true; // nothing left for a forced stop to wait for
            in.notifyAll();
        }
        finishStop();
        in.scheduled.set(false);
    }

    private List<T> takeAll(Intake<T> in) {
        List<Object> elements = new ArrayList<>();
        List<Object> held = in.lingering.getAndSet(null);
        if (held != null) {
            elements.addAll(held);
        }
        in.released(in.queue.drainTo(elements));
        return items(in, elements);
    }

    /** The items that {@code in}'s queue elements hold. */
    private List<T> items(Intake<T> in, List<Object> elements) {
        if (!in.contexts) {
            @SuppressWarnings("unchecked")
            List<T> items = (List<T>) (List<?>) elements;
            return items;
        }
        List<T> rest = new ArrayList<>(elements.size());
        for (Object element : elements) {
            rest.add(item(element));
        }
        return rest;
    }

    /**
     * Hands items back: adds them to what this start's stop returns and gives them to the handler. The
     * forcing thread and a drain that polled after the force may both do so: the lock keeps the items,
     * and the handler's calls, in queue order.
     */
    private void handOver(Intake<T> in, List<T> rest) {
        if (rest.isEmpty()) {
            return;
        }
        List<T> handedBack = List.copyOf(rest);
        synchronized (in) {
            List<T> all = new ArrayList<>(undelivered);
            all.addAll(handedBack);
            undelivered = List.copyOf(all);
            try {
                undeliveredHandler.accept(handedBack);
            } catch (RuntimeException e) {
                log.error("The undelivered-items handler of worker '{}' failed", getName(), e);
            }
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
