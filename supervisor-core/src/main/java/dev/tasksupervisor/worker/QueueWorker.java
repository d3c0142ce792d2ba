package dev.tasksupervisor.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lifecycle.Deadline;

/**
 * Runs its target once per item {@link #put} into its queue, in order: neotasker's
 * {@code BackgroundQueueWorker}, without its losses. Optionally a priority order (a {@link Comparator}),
 * a bounded capacity, or batches of up to N items (a batch lingers up to the poll delay to fill before it
 * runs with what it has).
 *
 * <p>No item is lost: {@link #stop()} drains the queue first; with a timeout, the items still queued when
 * it runs out (the one whose run the stop interrupted first) go to the undelivered-items handler (default:
 * a WARN with the count), and the stop's {@link dev.tasksupervisor.lifecycle.StopReport} returns them; the
 * worker keeps none of them afterwards. {@code put} of a {@code null} throws; {@code put} on a worker that
 * is not active throws {@link WorkerNotActiveException}, into a full queue {@link QueueFullException} (both
 * {@code IllegalStateException}s), where {@code offer} returns {@code false}.
 *
 * <p>Nor is an item whose run fails: the {@link #setRetryPolicy retry policy} (default: none) runs it again
 * after a growing delay, without holding up the items behind it; one whose retries are used up goes to the
 * {@link #setDeadLetterHandler dead-letter handler} with its last error and attempts, by default logged at
 * WARN with the item and kept until {@link #takeDeadLetters()} takes it. A stop runs the items that wait for
 * a retry at once (a graceful one drains them, retrying a failure again without waiting), or hands them
 * back with the queue.
 *
 * <p>Items run back to back: a put into an idle worker hands one drain task to the pool, which then takes
 * items until the queue is empty. Each start has a queue of its own, a {@link QueueDrain}, made by the
 * start's first put (a worker that never gets an item holds none): a start clears the previous one before
 * the worker becomes ACTIVE, so a put that sees ACTIVE sees this start's queue or none yet, and work left
 * over from an earlier start holds its own and never touches the new one. The drain protocol (who may take
 * items, lingering batches, handing back) is explained there.
 *
 * <p>{@link #pause()} holds the items instead of running them: the worker keeps accepting puts (a bounded
 * queue up to its capacity, then {@link QueueFullException}), the run in progress finishes, and nothing more
 * runs until {@link #resume()}. A stop ends a pause, and keeps the promise above: a graceful stop drains what
 * the worker holds, as it drains any queue; one that runs out of time hands the rest back. The next start is
 * not paused.
 *
 * <p>With the supervisor's task decorator (and a sync target), each item runs in the context of the
 * thread that put it (MDC, security, tracing), not in that of whoever started the drain: {@code put}
 * applies the decorator to the item's run, on the putter's thread. A batch runs in its first item's
 * putter's context. Without a decorator, a put costs nothing more.
 *
 * <p>An unbounded queue (the default) warns as it grows, at {@value #DEFAULT_QUEUE_SIZE_WARNING} items and
 * each tenfold after ({@link #setQueueSizeWarning}); a bounded one refuses puts when full instead.
 *
 * <p>Why one long class: it is the queue worker's whole public surface (its settings, the put and offer
 * family, the dead letters) and the hooks the life cycle calls; the drain protocol is in {@link QueueDrain},
 * the dead letters in {@link DeadLetters} and the growth warning in {@link QueueGrowth}.
 */
public class QueueWorker<T> extends BackgroundWorker {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);

    private final int batchSize;
    private volatile int capacity;
    private volatile Comparator<? super T> comparator;
    /** {@code null}: the default, which logs the count. */
    private volatile Consumer<List<T>> undeliveredHandler;

    /**
     * This start's queue, once its first put made it (under the life-cycle lock, while ACTIVE); cleared by
     * each start before it becomes ACTIVE.
     */
    private volatile QueueDrain<T> drain;
    /**
     * Whether this start holds its items instead of running them ({@link #pause()}); written under the
     * life-cycle lock, cleared by each start before it becomes ACTIVE, read by drains without it. Counts only
     * while ACTIVE: a stop ends the pause without writing it.
     */
    private volatile boolean paused;
    /** Threads in {@link #awaitIdle}; changed under the life-cycle lock, read by drains going idle. */
    private volatile int idleWaiters;
    /** The settings of the current start, for its queue. */
    private volatile int startCapacity;
    private volatile Comparator<? super T> startComparator;
    private volatile boolean startContexts;

    /** Made by the first retry, dead letter or dead-letter setting: an idle worker holds none. */
    private volatile DeadLetters<T> deadLetters;

    private static final VarHandle DEAD_LETTERS;

    static {
        try {
            DEAD_LETTERS = MethodHandles.lookup().findVarHandle(QueueWorker.class, "deadLetters", DeadLetters.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> DeadLetters<T> cast(DeadLetters<?> letters) {
        return (DeadLetters<T>) letters;
    }

    /** How many items an unbounded queue holds before the worker warns that it grows, by default. */
    public static final int DEFAULT_QUEUE_SIZE_WARNING = 10_000;

    private volatile int queueSizeWarning = DEFAULT_QUEUE_SIZE_WARNING;

    /** How many dead letters a worker keeps by default before it lets the oldest go. */
    public static final int DEFAULT_DEAD_LETTER_CAPACITY = 10_000;

    /** A worker that runs {@code target} once per item, in order. */
    public QueueWorker(WorkerHost supervisor, String name, WorkerTarget<T> target) {
        this(supervisor, name, target, 0);
    }

    private QueueWorker(WorkerHost supervisor, String name, WorkerTarget<?> target, int batchSize) {
        super(supervisor, name, target, isAsync(target, name));
        this.batchSize = batchSize;
    }

    /**
     * For subclasses that override {@link #run(Object, WorkerContext)}, or with {@code batchSize} &gt; 0
     * {@link #runBatch(List, WorkerContext)}.
     *
     * @throws InvalidSettingException if {@code batchSize} is negative
     */
    protected QueueWorker(WorkerHost supervisor, String name, boolean async, int batchSize) {
        super(supervisor, name, null, async);
        if (batchSize < 0) {
            throw InvalidSettingException.notNegative("worker '" + name + "'", "batchSize", batchSize,
                    "set it to 0 (one item at a time) or more");
        }
        this.batchSize = batchSize;
    }

    /**
     * A worker that runs {@code target} once per batch of up to {@code batchSize} items. A batch that is
     * not full waits up to the poll delay for more items, then runs with what it has.
     *
     * @throws InvalidSettingException unless {@code batchSize} is at least 1
     */
    public static <T> QueueWorker<T> batched(WorkerHost supervisor, String name, int batchSize,
            WorkerTarget<List<T>> target) {
        if (batchSize < 1) {
            throw batchSize < 0
                    ? InvalidSettingException.notNegative("worker '" + name + "'", "batchSize", batchSize,
                            "set it to 0 (one item at a time) or more")
                    : InvalidSettingException.atLeastOne("worker '" + name + "'", "batchSize", batchSize,
                            "give batches of 1 or more items, or make it a plain queue worker (new QueueWorker)");
        }
        return new QueueWorker<>(supervisor, name, target, batchSize);
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
    final Object invoke(Object input, WorkerContext context) throws Exception {
        return batchSize > 0 ? runBatch((List<T>) input, context) : run((T) input, context);
    }

    // ------------------------------------------------------------------ settings

    /**
     * Bounds the queue to {@code capacity} items; 0 (the default) leaves it unbounded.
     *
     * @throws InvalidSettingException if negative
     */
    public void setCapacity(int capacity) {
        if (capacity < 0) {
            throw InvalidSettingException.notNegative(owner(), "queue capacity", capacity,
                    "set it to 0 (unbounded) or more");
        }
        this.capacity = capacity;
    }

    /**
     * Warns, at WARN, when an unbounded queue holds this many items ({@value #DEFAULT_QUEUE_SIZE_WARNING} by
     * default), then ten times as many, and so on, until it has been empty again: before the heap runs out,
     * not after. 0 turns the warning off; a bounded queue has none (it refuses puts instead). From the next start
     * (its first put).
     *
     * @throws InvalidSettingException if negative
     */
    public void setQueueSizeWarning(int items) {
        if (items < 0) {
            throw InvalidSettingException.notNegative(owner(), "queue size warning", items,
                    "set it to 0 (no warning) or more");
        }
        this.queueSizeWarning = items;
    }

    /** The queue size at which an unbounded queue first warns; 0 when it does not. */
    public int getQueueSizeWarning() {
        return queueSizeWarning;
    }

    /** Orders the queue by {@code comparator} (smallest first) instead of first in, first out. */
    public void setComparator(Comparator<? super T> comparator) {
        this.comparator = comparator;
    }

    /**
     * Receives the items a stop could not handle in time, in queue order, on the thread that hands them back;
     * by default they are logged (count only) at WARN. Either way they are in the stop's
     * {@link dev.tasksupervisor.lifecycle.StopReport}, and the worker keeps none of them.
     */
    public void setUndeliveredHandler(Consumer<List<T>> handler) {
        this.undeliveredHandler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * How an item whose run failed is run again; {@link RetryPolicy#none()} (the default) gives up on it at
     * once. Takes effect from the next failure.
     */
    public void setRetryPolicy(RetryPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        changeOnFailure(current -> current.withRetry(policy));
    }

    /** How failed items are retried; see {@link #setRetryPolicy}. */
    public RetryPolicy getRetryPolicy() {
        return onFailure().retry();
    }

    /**
     * Receives the items this worker gives up on instead of keeping them; by default each is logged at WARN
     * with the item and kept for {@link #takeDeadLetters()}.
     */
    public void setDeadLetterHandler(DeadLetterHandler<T> handler) {
        deadLetters().setHandler(handler);
    }

    /**
     * How many dead letters the worker keeps, without a handler, until the application takes them
     * ({@value #DEFAULT_DEAD_LETTER_CAPACITY} by default). Past it the oldest letter is let go, logged at
     * ERROR with its item: memory for failed items is bounded, and none leaves without a trace.
     *
     * @throws InvalidSettingException unless at least 1
     */
    public void setDeadLetterCapacity(int capacity) {
        if (capacity < 1) {
            throw InvalidSettingException.atLeastOne(owner(), "dead-letter capacity", capacity,
                    "keep at least 1, or set a DeadLetterHandler that stores them elsewhere");
        }
        deadLetters().setCapacity(capacity);
    }

    /** The items this worker gave up on and keeps, oldest first; reading them takes nothing. */
    public List<DeadLetter<T>> getDeadLetters() {
        DeadLetters<T> letters = deadLetters;
        return letters == null ? List.of() : letters.kept();
    }

    /** Takes the dead letters kept: they are the caller's now, and no longer the worker's. Oldest first. */
    public List<DeadLetter<T>> takeDeadLetters() {
        DeadLetters<T> letters = deadLetters;
        return letters == null ? new ArrayList<>() : letters.take();
    }

    /** How many dead letters the worker keeps now. */
    public int getDeadLettersKeptCount() {
        DeadLetters<T> letters = deadLetters;
        return letters == null ? 0 : letters.keptCount();
    }

    /** Runs of failed items started again since the worker was made. */
    public long getRetryCount() {
        DeadLetters<T> letters = deadLetters;
        return letters == null ? 0 : letters.retries();
    }

    /** Items given up on since the worker was made, kept or not. */
    public long getDeadLetterCount() {
        DeadLetters<T> letters = deadLetters;
        return letters == null ? 0 : letters.total();
    }

    /** Items that failed and wait for their retry now (not counted in {@link #getQueueSize()}). */
    public int getRetryingCount() {
        QueueDrain<T> current = drain;
        return current == null ? 0 : current.retrying();
    }

    /**
     * Waits until the worker is idle: nothing queued, no batch lingering, no failed item waiting for its
     * retry, and no run in progress. A queue size of 0 alone does not say that the last item was handled:
     * it may be running. For tests ("put, then await idle, then assert"), and for a caller that must know
     * its items are done. A stopped worker is idle. Waits without spinning: the drain, going idle, wakes it.
     *
     * @return whether the worker was idle within {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        Deadline deadline = Deadline.after(timeout);
        synchronized (monitor()) {
            idleWaiters++;
            try {
                while (!isIdle()) {
                    if (deadline.hasPassed()) {
                        return false;
                    }
                    deadline.waitOn(monitor());
                }
                return true;
            } finally {
                idleWaiters--;
            }
        }
    }

    /** Whether nothing is queued, lingering, waiting for a retry or running now. */
    private boolean isIdle() {
        if (getState() == WorkerState.STOPPED) {
            return !isRunning(); // a forced stop's drain may still hold its flag: nothing is queued any more
        }
        QueueDrain<T> current = drain;
        return (current == null || current.isIdle()) && !isRunning();
    }

    /** A drain found its queue empty and gave up its ownership: wakes {@link #awaitIdle} callers, if any. */
    void drained() {
        if (idleWaiters > 0) { // a volatile read while nobody waits: a drain going idle pays nothing more
            synchronized (monitor()) {
                monitor().notifyAll();
            }
        }
    }

    /**
     * The type of the items this worker takes, when it is known: the type argument a subclass gives
     * ({@code class Mailer extends QueueWorker<Mail>} takes {@code Mail}), or the parameter type of a
     * Spring {@code @Worker} method; {@code null} when unknown (a type variable, or a lambda target).
     */
    public Class<?> getItemType() {
        Type type = getClass();
        while (type instanceof Class<?> c && c != QueueWorker.class) {
            type = c.getGenericSuperclass();
        }
        // A subclass that leaves T open (class Retrying<T> extends QueueWorker<T>) names no type.
        if (type instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> item) {
            return item;
        }
        if (type instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof ParameterizedType g
                && g.getRawType() instanceof Class<?> raw) {
            return raw;
        }
        return null;
    }

    // ------------------------------------------------------------------ pausing

    /**
     * Holds the items instead of running them, until {@link #resume()}: puts are still accepted (a bounded
     * queue fills up to its capacity, then refuses them with {@link QueueFullException}), the run in progress
     * finishes, and no other starts; items whose retry comes due wait in the queue too. For an operator who
     * must stop the work for a while (a downstream system in maintenance) without refusing the producers.
     * Pausing a paused worker changes nothing. A stop ends the pause: a graceful stop drains what the worker
     * holds, and a stop that runs out of time hands the rest back, as for any queue; the next start is not
     * paused. A paused worker holding items is not idle ({@link #awaitIdle}).
     *
     * @throws IllegalStateException unless the worker is active
     */
    public void pause() {
        synchronized (monitor()) {
            requireActiveTo("paused");
            paused = true;
        }
    }

    /**
     * Runs the items held since {@link #pause()}, in order, and those put from now on; a worker that is not
     * paused is left as it is.
     *
     * @throws IllegalStateException unless the worker is active (a stop has ended the pause already)
     */
    public void resume() {
        QueueDrain<T> current;
        synchronized (monitor()) {
            requireActiveTo("resumed");
            if (!paused) {
                return;
            }
            paused = false;
            current = drain;
        }
        if (current != null) {
            current.resumed(); // outside the lock: it may dispatch a drain
        }
    }

    /** Whether the worker holds its items instead of running them: paused, and active. */
    public boolean isPaused() {
        return holdsItems();
    }

    /**
     * Whether drains should hold the items now: paused and ACTIVE (a stop drains, paused or not). The flag is
     * read before the state: a drain that saw the flag set and then ACTIVE holds, and the stop or resume
     * that came after either read is then sure to see the drain's ownership given up (see {@link QueueDrain}).
     */
    boolean holdsItems() {
        return paused && isActive();
    }

    private void requireActiveTo(String done) {
        WorkerState s = getState();
        if (s != WorkerState.ACTIVE) {
            throw new IllegalStateException("queue worker '" + getName() + "' is " + s + ": only an active worker can be "
                    + done + "; start it first");
        }
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
        QueueDrain<T> current = drain;
        return current == null ? 0 : current.size();
    }

    // ------------------------------------------------------------------ putting items

    /**
     * Adds an item; the target runs for it after the items before it.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws QueueFullException if the queue is bounded and full (back-pressure: try again later)
     * @throws WorkerNotActiveException if the worker is not started, stopping or stopped
     */
    public void put(T item) {
        try {
            put(item, 0);
        } catch (InterruptedException e) {
            throw new AssertionError("a put that does not wait cannot be interrupted", e);
        }
    }

    /**
     * Adds an item, waiting up to {@code timeout} for space in a bounded queue.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws QueueFullException if the queue is still full after the timeout
     * @throws WorkerNotActiveException if the worker is not started, stopping or stopped
     * @throws InterruptedException if interrupted while waiting; the item was not added
     */
    public void put(T item, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        put(item, Math.max(0, Deadline.nanos(timeout)));
    }

    /**
     * Adds an item if the worker accepts it now: as {@link #put(Object)}, returning {@code false} instead of
     * throwing when the queue is full or the worker is not active.
     *
     * @throws NullPointerException if {@code item} is null
     */
    public boolean offer(T item) {
        try {
            return offer(item, 0);
        } catch (InterruptedException e) {
            throw new AssertionError("an offer that does not wait cannot be interrupted", e);
        }
    }

    /**
     * As {@link #put(Object, Duration)}, returning {@code false} instead of throwing when the queue stayed
     * full or the worker is not active.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws InterruptedException if interrupted while waiting; the item was not added
     */
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return offer(item, Math.max(0, Deadline.nanos(timeout)));
    }

    private boolean offer(T item, long timeoutNanos) throws InterruptedException {
        try {
            return accept(item, timeoutNanos);
        } catch (WorkerNotActiveException e) {
            return false;
        }
    }

    private void put(T item, long timeoutNanos) throws InterruptedException {
        if (!accept(item, timeoutNanos)) {
            requireActive(); // it stopped while this waited for space: that, not the full queue, is the news
            int bound = capacityOfThisStart();
            throw new QueueFullException(getName(), bound, "the queue of worker '" + getName() + "' is full (capacity "
                    + bound + ")" + (timeoutNanos > 0 ? " and stayed full for " + Duration.ofNanos(timeoutNanos) : "")
                    + ": put with a timeout to wait for space, use offer, or raise the capacity");
        }
    }

    /** Queues the item; false if the queue stayed full. */
    private boolean accept(T item, long timeoutNanos) throws InterruptedException {
        if (item == null) {
            throw new NullPointerException("queue worker '" + getName() + "': items must not be null; put a value (an "
                    + "empty Optional or a marker object can stand for nothing)");
        }
        requireActive();
        return currentDrain().put(item, timeoutNanos);
    }

    /**
     * The capacity in force: the current (or last) start's, which a later {@link #setCapacity} does not change
     * until the next start; the setting itself before the first start.
     */
    int capacityInForce() {
        return getState() == WorkerState.NEW ? capacity : capacityOfThisStart();
    }

    /** The capacity the current start's queue was made with (a later {@link #setCapacity} waits for a restart). */
    private int capacityOfThisStart() {
        QueueDrain<T> current = drain;
        return current == null ? startCapacity : current.capacity();
    }

    /**
     * This start's queue, made now if this is the start's first put: under the life-cycle lock, so that it
     * belongs to the start that is ACTIVE, with that start's settings, once per start.
     */
    private QueueDrain<T> currentDrain() {
        QueueDrain<T> current = drain;
        if (current != null) {
            return current;
        }
        synchronized (monitor()) {
            requireActive(); // again under the lock: a stop may have come since the put checked
            if (drain == null) {
                drain = new QueueDrain<>(this, generation(), batchSize, startCapacity, startComparator, startContexts,
                        queueSizeWarning);
            }
            return drain;
        }
    }

    /** This start's queue, if it has one and {@code startedIn} is still the current start. */
    private QueueDrain<T> drainOf(int startedIn) {
        synchronized (monitor()) {
            return generation() == startedIn ? drain : null;
        }
    }

    /** The dead letters and retry counts, for this worker's drains. */
    DeadLetters<T> deadLetters() {
        DeadLetters<T> letters = deadLetters;
        if (letters == null) {
            DeadLetters<T> made = new DeadLetters<>(getName());
            // The witness is null when this thread set it, else the one another thread made first.
            letters = DEAD_LETTERS.compareAndExchange(this, null, made) instanceof DeadLetters<?> other ? cast(other) : made;
        }
        return letters;
    }

    /** Refuses a put unless the worker is active. */
    void requireActive() {
        WorkerState s = getState();
        if (s != WorkerState.ACTIVE) {
            throw new WorkerNotActiveException(getName(), s, "queue worker '" + getName() + "' is " + s
                    + " and accepts no items: start it before putting items");
        }
    }

    /** Whether {@code candidate} is this start's queue: a put into any other must take its item back. */
    boolean isCurrent(QueueDrain<T> candidate) {
        return drain == candidate;
    }

    // ------------------------------------------------------------------ the life cycle

    @Override
    void onPrepare() {
        // Before ACTIVE is published: a put that sees ACTIVE sees this start's queue, or none yet.
        startCapacity = capacity;
        startComparator = comparator;
        startContexts = capturesContext();
        paused = false;
        drain = null;
    }

    @Override
    void onStart() {
        // Nothing to schedule: the first put dispatches the first drain.
    }

    @Override
    void onStopRequested(int startedIn) {
        QueueDrain<T> current = drainOf(startedIn);
        if (current != null) {
            current.stopRequested();
        } else {
            idle(startedIn); // no item ever came (no put makes a queue once STOPPING): nothing to drain
        }
    }

    @Override
    void onForcing(int startedIn) {
        QueueDrain<T> current = drainOf(startedIn);
        if (current != null) {
            current.close();
        }
    }

    @Override
    List<?> onForced(int startedIn, Deadline grace) {
        QueueDrain<T> current = drainOf(startedIn);
        return current == null ? List.of() : current.surrenderedBy(grace);
    }

    /**
     * Hands items back to the handler (the drain adds those of a forced stop to its report). Called by one
     * drain or forcing thread at a time (under the drain's lock), in queue order.
     */
    void handOver(List<T> items) {
        Consumer<List<T>> handler = undeliveredHandler;
        try {
            if (handler != null) {
                handler.accept(items);
            } else {
                log.warn("Worker '{}' stopped with {} undelivered item(s): they are in the stop's report (set an "
                        + "undelivered-items handler to keep them)", getName(),
                        items.size());
            }
        } catch (RuntimeException e) {
            log.error("The undelivered-items handler of worker '{}' failed", getName(), e);
        }
    }
}
