package dev.tasksupervisor.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.lifecycle.Deadline;

/**
 * One start's queue of a {@link QueueWorker}, and the protocol of its drain: who takes items and runs the
 * target, how a batch lingers to fill, and how a stop drains or hands back.
 *
 * <h2>Ownership</h2>
 * Only the holder of {@code scheduled} takes items and runs the target, so runs never overlap. A put into
 * an idle queue raises it (one compare-and-set, after a plain read while a drain runs) and hands one drain
 * task to the pool, which runs items back to back until the queue is empty, handing itself to a fresh
 * task every {@value #ITEMS_PER_TASK} items so that busy workers share threads. When the queue looks empty
 * the drain lowers {@code scheduled}, then looks once more: an item put in between, or a stop begun, makes
 * it raise the flag again (or lose it to the put that does). A drain that finds the worker STOPPING also
 * looks once more before it settles the stop: a put that saw ACTIVE added its item before the stop began.
 *
 * <h2>A put that races a stop</h2>
 * {@code put} adds the item, then checks that the worker is still ACTIVE and this is still its current
 * queue. If not (a stop, or a stop and a new start, came in between), it takes the item back and refuses
 * it (that very object: another put's equal item stays); if the item is gone already, a drain of this start
 * took it and handles it (or hands it back), so the put stands. It never dispatches a drain for a queue
 * that is no longer current. A queue is made under the life-cycle lock by its start's first put, and a
 * new start clears it before it becomes ACTIVE, so a put that sees ACTIVE sees that start's queue.
 *
 * <h2>Linger</h2>
 * A batch that is not full when the queue runs dry waits up to the poll delay for more items, held in
 * {@code lingering} by the drain's owner; a timer resumes it. The timer and a stop race to clear
 * {@code lingerPending}, and only the winner resumes the drain ({@code cancel()} alone cannot tell: it
 * succeeds while the timer task runs).
 *
 * <h2>Retries</h2>
 * When an item's run fails, the drain's owner asks the worker's {@link RetryPolicy}: the item either waits
 * for its retry in {@code waiting}, with a timer that queues it again (as a {@link Retried} element that
 * carries its attempts, behind the items put meanwhile), or goes to the dead letters. A batch's items are
 * retried one by one. Only the owner adds to {@code waiting}; the timer, a stop and a hand-back take from
 * it, all under this drain's monitor, so an item is queued again, run at once by a stop, or handed back:
 * exactly one of the three. Before a graceful stop settles, its drain queues everything still waiting
 * (under the monitor, after the last failure it saw), so no timer can queue an item into a stopped worker;
 * while the worker stops, a failed item with retries left is queued again at once. A retried item takes no
 * room in a bounded queue (it left its room when it was first taken): it was accepted once, and is never
 * refused; so a bounded queue holds up to its capacity plus the items being retried.
 *
 * <h2>Pause</h2>
 * While the worker is paused and ACTIVE ({@link QueueWorker#holdsItems()}), a put adds its item and
 * dispatches no drain, and a drain that comes to take an item gives up ownership instead ({@link #hold()}),
 * leaving the queue as it is; a batch already lingering runs with what it has. Each side writes first and
 * reads the other's flag after, all volatile, so no item is stranded: a drain lowers {@code scheduled} and
 * then reads the pause (and the state); {@link #resumed()} (after the flag was cleared) and a stop (after
 * STOPPING was set) read {@code scheduled} after, and whichever reads second finds what the other wrote, and
 * dispatches (or goes on). Likewise a put or a retry coming due adds its item before it reads the pause, and
 * a resume reads the queue after it cleared it. A stop drains whatever the pause held: a paused worker that is
 * STOPPING no longer holds.
 *
 * <h2>Stop and surrender</h2>
 * A graceful stop lets the owner drain what is queued, then the worker settles to STOPPED. A forced stop
 * first {@link #close() closes} the queue, then interrupts the run: a drain that is still going (its run
 * ended, or it was between runs) surrenders: it hands back the item whose run the stop interrupted, then
 * everything queued, in queue order, to the worker's undelivered-items handler. Only if no drain
 * surrenders within the stop's grace (the run ignores its interruption) does the stopping thread take the
 * items itself; a drain that wakes up after that takes nothing more, and hands back only what it holds.
 * An input taken just as the stop began, whose run then finds the start ended
 * ({@link WorkerRuns.Outcome#NOT_RUN}), goes back first in the same way: it was never run.
 *
 * <p>Thread safety: the queue, {@code size} and {@code space} are concurrent; {@code scheduled},
 * {@code lingering} and {@code lingerPending} change by compare-and-set; {@code closed} is volatile;
 * {@code surrendered} and {@code waiting} are guarded by this drain's monitor (the object is private to
 * its worker), which also keeps the handler's calls in queue order.
 *
 * <p>Why one long class: the drain's ownership, lingering, retries, stopping and surrender share the same
 * few fields ({@code scheduled}, {@code lingering}, {@code waiting}, {@code closed}, {@code surrendered}) and
 * this drain's monitor, and the invariants above tie them together (a retry is queued, run by a stop or
 * handed back, exactly one, because all three decide under that monitor against {@code surrendered}); split,
 * each part would have to reach into the others' state.
 */
final class QueueDrain<T> {

    private static final Logger log = LoggerFactory.getLogger(QueueDrain.class);

    /** Items one pool task handles before it hands the drain to a fresh task, so busy workers share threads. */
    static final int ITEMS_PER_TASK = 1024;
    /** How soon a drain the pool refused (for another reason than a stop) is dispatched again. */
    private static final Duration RETRY_AFTER_REFUSAL = Duration.ofMillis(10);
    /** Returned by {@link #next} when a batch waits to fill: the drain pauses, still owned. */
    private static final Object LINGER = new Object();

    /**
     * An item that failed and waits for, or is queued for, its next run: the element it was queued as (the
     * item, or its {@link ContextRun}) and how many times it ran. Not a record: {@code waiting} holds each by
     * identity, and {@code timer} is set after it is added.
     */
    static final class Retried {
        final Object element;
        final int attempts;
        volatile ScheduledFuture<?> timer;

        Retried(Object element, int attempts) {
            this.element = element;
            this.attempts = attempts;
        }
    }

    private static final VarHandle SCHEDULED;
    private static final VarHandle LINGERING;
    private static final VarHandle LINGER_PENDING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SCHEDULED = lookup.findVarHandle(QueueDrain.class, "scheduled", boolean.class);
            LINGERING = lookup.findVarHandle(QueueDrain.class, "lingering", List.class);
            LINGER_PENDING = lookup.findVarHandle(QueueDrain.class, "lingerPending", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final QueueWorker<T> worker;
    /** The start this queue belongs to: {@link BackgroundWorker#generation()}. */
    private final int startedIn;
    private final int batchSize;
    private final int capacity;
    /**
     * The items, or with {@code contexts} each item's {@link ContextRun}; an item whose putter had no context to
     * carry stays as it is.
     */
    private final Queue<Object> queue;
    /** The space left in a bounded queue; null when unbounded. */
    private final Semaphore space;
    /** Whether each item is queued with its putter's context. */
    private final boolean contexts;
    /** Warns as an unbounded queue grows; null for a bounded one, or with the warning off. */
    private final QueueGrowth growth;

    /**
     * Items queued, lingering batches not counted: added to by the putters, taken from by the drain. Striped,
     * so that the two sides do not fight over one counter on every item (a profile showed that a tenth of a
     * put-and-run went there).
     */
    private final LongAdder size = new LongAdder();
    /** Held by the one drain that may take items and run the target. */
    private volatile boolean scheduled;
    /** A batch waiting up to the poll delay to fill; belongs to the holder of {@code scheduled}. */
    private volatile List<Object> lingering;
    private volatile boolean lingerPending;
    private volatile ScheduledFuture<?> lingerTimer;
    /** Set when a forced stop begins, before the run is interrupted: the drain runs nothing more. */
    private volatile boolean closed;
    /** Whether the items were handed back after {@code closed}; guarded by this. */
    private boolean surrendered;
    /**
     * What the forced stop handed back, for its report, until {@link #surrenderedBy} returns it (then null:
     * the drain keeps no item once it is reported, and a late hand-back goes to the handler only); guarded
     * by this.
     */
    private List<T> reported = new ArrayList<>();
    /** Failed items waiting for their retry's timer; added to by the owner only, guarded by this. */
    private final Set<Retried> waiting = new LinkedHashSet<>();
    /** {@code waiting.size()}, for readers that take no lock. */
    private volatile int waitingCount;

    QueueDrain(QueueWorker<T> worker, int startedIn, int batchSize, int capacity, Comparator<? super T> order,
            boolean contexts, int sizeWarning) {
        this.worker = worker;
        this.growth = capacity == 0 && sizeWarning > 0 ? new QueueGrowth(worker.getName(), sizeWarning) : null;
        this.startedIn = startedIn;
        this.batchSize = batchSize;
        this.capacity = capacity;
        this.contexts = contexts;
        this.queue = order != null ? new PriorityBlockingQueue<>(11, elementOrder(order))
                : new ConcurrentLinkedQueue<>();
        this.space = capacity > 0 ? new Semaphore(capacity) : null;
    }

    /**
     * The order of the queue's elements: the items' order, looking through their contexts and retries (a
     * retried element is no item, even without contexts).
     */
    private static <T> Comparator<Object> elementOrder(Comparator<? super T> order) {
        return (a, b) -> order.compare(item(a), item(b));
    }

    /** The item a queue element holds. */
    @SuppressWarnings("unchecked")
    private static <T> T item(Object element) {
        Object e = element instanceof Retried retried ? retried.element : element;
        return (T) (e instanceof ContextRun run ? run.item() : e);
    }

    /** Whether no drain owns the queue, and nothing is queued, lingering or waiting for a retry. */
    boolean isIdle() {
        return !scheduled && queue.isEmpty() && lingering == null && waitingCount == 0;
    }

    /** Items waiting for a retry's delay to pass. */
    int retrying() {
        return waitingCount;
    }

    /** Items waiting, a lingering batch included. */
    int size() {
        List<Object> held = lingering;
        return (int) Math.max(0, size.sum()) + (held == null ? 0 : held.size());
    }

    // ------------------------------------------------------------------ putting

    /**
     * Adds an item, waiting up to {@code timeoutNanos} for space; false, with nothing queued, if the queue
     * stayed full. See the class comment for the race with a stop.
     *
     * @throws WorkerNotActiveException if the worker stopped while the item was being put
     */
    boolean put(T item, long timeoutNanos) throws InterruptedException {
        // Captured here, on the putter's thread: a failing decorator fails the put, before the item is queued.
        Object element = item;
        if (contexts && worker.hasContextToCapture()) {
            ContextRun captured = worker.captureRun(item);
            if (captured != null && captured.carriesContext()) {
                element = captured;
            }
        }
        if (space != null) {
            boolean room = timeoutNanos == 0 ? space.tryAcquire() : space.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
            if (!room) {
                return false;
            }
        }
        queue.add(element);
        size.increment();
        if (growth != null && (ThreadLocalRandom.current().nextInt() & QueueGrowth.SAMPLE_MASK) == 0) {
            growth.check(size.sum());
        }
        if (!worker.isActive() || !worker.isCurrent(this)) {
            if (removeOwn(element)) {
                taken(element);
                throw new WorkerNotActiveException(worker.getName(), worker.getState(), "queue worker '"
                        + worker.getName() + "' stopped while the item was being put: it was not accepted; start the "
                        + "worker and put it again");
            }
            return true; // a drain of this start took it: it is handled, or handed back
        }
        // Read first: while a drain runs the flag stays set, and a failing CAS still takes the cache line. A
        // paused worker holds the item: read after it was added, so a resume racing this put sees it.
        if (!scheduled && !worker.holdsItems() && SCHEDULED.compareAndSet(this, false, true)) {
            dispatch();
        }
        return true;
    }

    /** The capacity this queue was made with; 0 when unbounded. */
    int capacity() {
        return capacity;
    }

    /**
     * Takes back one queued occurrence of {@code element}, by identity: an equal item another put had
     * accepted stays, and so does another occurrence of the same object (a constant put again and again).
     */
    private boolean removeOwn(Object element) {
        for (Iterator<Object> it = queue.iterator(); it.hasNext(); ) {
            if (it.next() == element) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /**
     * Counts {@code element} as gone from the queue, and frees its room in a bounded queue; a retried
     * element took none when it came back.
     */
    private void taken(Object element) {
        size.decrement();
        if (space != null && !(element instanceof Retried)) {
            space.release();
        }
    }

    /** As {@link #taken(Object)}, for {@code elements} from index {@code from} on. */
    private void taken(List<Object> elements, int from) {
        int count = elements.size() - from;
        if (count <= 0) {
            return;
        }
        size.add(-count);
        if (space != null) {
            int leaving = 0;
            for (int i = from; i < elements.size(); i++) {
                leaving += elements.get(i) instanceof Retried ? 0 : 1;
            }
            space.release(leaving);
        }
    }

    // ------------------------------------------------------------------ draining

    /** Hands the drain to the pool (sync) or the aloop (async); the caller holds {@code scheduled}. */
    private void dispatch() {
        try {
            if (worker.isAsync()) {
                worker.timerLoop().executor().execute(this::drainAsync);
            } else {
                worker.handle().execute(this::drain, !contexts); // items carrying their context run in it, once
            }
        } catch (RejectedExecutionException e) {
            // The supervisor is stopping and nothing can run the target: hand the items back.
            worker.requestStop();
            handBack();
        } catch (RuntimeException | Error e) {
            refused(e);
        }
    }

    /**
     * The pool refused the drain for another reason than a stop (no thread could be made): a failed run, so
     * the error handler hears of it; the items stay queued, and the drain is dispatched again shortly (or by
     * the next put).
     */
    private void refused(Throwable error) {
        scheduled = false;
        worker.runs().refused(null, error);
        try {
            worker.timerLoop().schedule(this::retryAfterRefusal, RETRY_AFTER_REFUSAL);
        } catch (RuntimeException e) {
            if (worker.getState() == WorkerState.STOPPING && SCHEDULED.compareAndSet(this, false, true)) {
                handBack(); // no timer either: nothing will run what is queued, and the stop must still end
            } else {
                log.debug("Worker '{}': no retry of the refused drain; the next put dispatches it", worker.getName(), e);
            }
        }
    }

    /**
     * Dispatches the refused drain again if it has work: items, a lingering batch, or a stop to settle (which
     * only a drain does, even of an empty queue).
     */
    private void retryAfterRefusal() {
        boolean work = !queue.isEmpty() || lingering != null || worker.getState() == WorkerState.STOPPING;
        if (work && !abandoned() && !scheduled && SCHEDULED.compareAndSet(this, false, true)) {
            dispatch();
        }
    }

    /** Takes the next input: an item, or a batch; {@code null} when there is nothing to run now. */
    private Object next() {
        if (batchSize == 0) {
            Object item = queue.poll();
            if (item != null) {
                taken(item);
                if (closed) {
                    surrender(List.of(item)); // polled as a forced stop began: it goes back first
                    return null;
                }
            }
            return item;
        }
        @SuppressWarnings("unchecked")
        List<Object> held = (List<Object>) LINGERING.getAndSet(this, null);
        List<Object> batch = held != null ? held : new ArrayList<>(batchSize);
        int before = batch.size();
        // A lingering batch of a worker paused meanwhile runs with what it has: the queue is held.
        boolean topUp = held == null || !worker.holdsItems();
        for (Object element; topUp && batch.size() < batchSize && (element = queue.poll()) != null; ) {
            batch.add(element);
        }
        taken(batch, before);
        if (closed) {
            surrender(batch);
            return null;
        }
        if (batch.isEmpty()) {
            return null;
        }
        Duration linger = worker.getPollDelay();
        if (held == null && batch.size() < batchSize && !linger.isZero()) {
            // Wait up to the poll delay for the batch to fill; the timer keeps ownership of the drain. The state
            // is read after lingerPending is set: a stop that began before sees the flag and takes the batch over.
            lingering = batch;
            lingerPending = true;
            if (worker.isActive()) {
                try {
                    lingerTimer = worker.timerLoop().schedule(this::resumeLinger, linger);
                    return LINGER;
                } catch (RejectedExecutionException e) {
                    // the timer loop is stopping: run the batch now
                }
            }
            if (!LINGER_PENDING.compareAndSet(this, true, false)) {
                return LINGER; // a stop took the batch over meanwhile, and dispatched a drain that runs it
            }
            lingering = null;
        }
        return batch;
    }

    private boolean abandoned() {
        // Stopped by force, or stopped and restarted since: this queue is no longer the worker's.
        return closed || worker.startEnded(startedIn);
    }

    /**
     * An abandoned drain ends here. If a forced stop is why (its flag may be set before it closes the
     * queue), the drain hands the items back now rather than leave the stopping thread waiting its grace.
     */
    private void leave() {
        if (closed || worker.isForcing()) {
            surrender(List.of());
        }
    }

    /**
     * The next input this drain should run, or {@code null} when the drain ends here: the queue is empty
     * (ownership given up, or the stop settled), a batch waits to fill, or the drain was abandoned.
     */
    private Object take() {
        for (;;) {
            if (abandoned()) {
                leave();
                return null;
            }
            if (lingering == null && worker.holdsItems()) {
                if (!hold()) {
                    return null;
                }
                continue; // resumed, or a stop began, as ownership was given up: take it again and look
            }
            Object input = next();
            if (input == LINGER) {
                return null;
            }
            if (input != null) {
                return input;
            }
            if (closed) {
                surrender(List.of());
                return null;
            }
            if (!idle()) {
                return null;
            }
        }
    }

    private void drain() {
        int handled = 0;
        Object pending = null; // taken by a series that ended at an item carrying its putter's context
        for (;;) {
            Object input = pending != null ? pending : take();
            pending = null;
            if (input == null) {
                return;
            }
            boolean goOn;
            if (inContext(input)) {
                WorkerRuns.Outcome outcome = runInContext(input); // each run decorated, with its own bookkeeping
                if (outcome == WorkerRuns.Outcome.NOT_RUN) {
                    surrender(held(input)); // taken as a forced stop began: never run, so it goes back first
                    return;
                }
                goOn = outcome.goOn();
                handled++;
                if (interruptedByStop(input)) {
                    return;
                }
                if (outcome == WorkerRuns.Outcome.FAILED) {
                    failedRun(input, worker.runs().lastFailure());
                }
            } else {
                // Single items queued behind this one run in the same series: the in-progress bookkeeping
                // once, not per item. take() and handBack() may settle a stop, and a batch may hand the drain
                // to its linger timer, so those stay outside the series.
                if (!worker.runs().beginSeries(startedIn)) {
                    surrender(held(input)); // taken as a forced stop began: never run, so it goes back first
                    return;
                }
                try {
                    do {
                        goOn = worker.runs().runInSeries(plainInput(input));
                        handled++;
                        if (interruptedByStop(input)) {
                            return;
                        }
                        if (worker.runs().lastRunFailed()) {
                            failedRun(input, worker.runs().lastFailure());
                        }
                        input = goOn && batchSize == 0 && handled < ITEMS_PER_TASK && !abandoned()
                                && !worker.holdsItems() ? next() : null;
                        if (input != null && inContext(input)) {
                            pending = input; // runs next, in its own context, outside the series
                            input = null;
                        }
                    } while (input != null);
                } finally {
                    worker.runs().endSeries();
                }
            }
            if (!goOn) {
                handBack();
                return;
            }
            if (handled >= ITEMS_PER_TASK) {
                dispatch(); // still owned: a fresh task goes on, this thread returns to the pool
                return;
            }
        }
    }

    /**
     * Whether a forced stop interrupted the run of {@code input}: then it was not handled, and goes back
     * first, before what is still queued. Called on the drain's thread right after the run.
     */
    private boolean interruptedByStop(Object input) {
        // closed too: after the grace a new start may have begun, and the forcing flag with it is gone.
        if (!(closed || worker.isForcing()) || !worker.runs().lastRunFailed()) {
            return false;
        }
        surrender(held(input));
        return true;
    }

    /** The queue elements an input holds: the batch's, or the single item's. */
    @SuppressWarnings("unchecked")
    private List<Object> held(Object input) {
        return batchSize > 0 ? (List<Object>) input : List.of(input);
    }

    /**
     * Whether {@code input} runs in its putter's context: it holds a {@link ContextRun} (a batch: its first element
     * does). With {@code contexts}, an item whose putter had no context to carry is queued as it is.
     */
    private boolean inContext(Object input) {
        if (!contexts) {
            return false;
        }
        Object element = runnable(input);
        if (batchSize > 0) {
            element = ((List<?>) element).get(0);
        }
        return element instanceof ContextRun;
    }

    /** What the target runs with for an input run without a context: a batch's later items may still hold theirs. */
    private Object plainInput(Object input) {
        Object runnable = runnable(input);
        if (!contexts || batchSize == 0) {
            return runnable;
        }
        List<?> elements = (List<?>) runnable;
        List<T> batch = new ArrayList<>(elements.size());
        for (Object element : elements) {
            batch.add(item(element));
        }
        return batch;
    }

    /** Runs the target for an item or a batch in its putter's context (the first item's, for a batch). */
    private WorkerRuns.Outcome runInContext(Object input) {
        if (batchSize == 0) {
            ContextRun run = (ContextRun) runnable(input);
            return run.runInContext(run.item(), startedIn, 0);
        }
        List<?> elements = (List<?>) runnable(input);
        List<T> batch = new ArrayList<>(elements.size());
        for (Object element : elements) {
            batch.add(item(element));
        }
        return ((ContextRun) elements.get(0)).runInContext(batch, startedIn, 0);
    }

    private void drainAsync() {
        Object input = take();
        if (input == null) {
            return;
        }
        // A target that waited for the aloop as a forced stop gave its run up never runs: its input goes back.
        Runnable notRun = () -> surrender(held(input));
        worker.runs().runAsync(runnable(input), startedIn, notRun).thenAccept(outcome -> {
            if (outcome == WorkerRuns.Outcome.NOT_RUN) {
                notRun.run(); // taken as a forced stop began: never run, so it goes back first
            } else if (closed) {
                // A run given up stays with its stage; one that failed as the stop forced goes back first.
                surrender(outcome == WorkerRuns.Outcome.FAILED ? held(input) : List.of());
            } else if (outcome == WorkerRuns.Outcome.STOP) {
                handBack();
            } else {
                if (outcome == WorkerRuns.Outcome.FAILED) {
                    failedRun(input, worker.runs().lastFailure());
                }
                if (abandoned()) {
                    leave();
                } else {
                    dispatch();
                }
            }
        });
    }

    /**
     * The queue looked empty: settle a stop, or give up ownership. Returns whether the drain should go on
     * (it took ownership back because an item arrived, or a stop began, meanwhile).
     */
    private boolean idle() {
        if (worker.getState() == WorkerState.STOPPING) {
            // Items waiting for a retry first: once none waits, no timer can queue one behind the check below.
            if (queueWaiting() | !queue.isEmpty()) {
                return true; // retries, or put by a putter that saw ACTIVE, so before the stop began: drain them too
            }
            worker.idle(startedIn);
            scheduled = false;
            worker.drained(); // after the flag: a waiter woken by the settled stop may have seen it still set
            return false;
        }
        scheduled = false;
        if (growth != null) {
            growth.emptied();
        }
        // An item put, or a stop begun, after the poll above found this drain still owning the queue.
        boolean again = (!queue.isEmpty() || !worker.isActive()) && SCHEDULED.compareAndSet(this, false, true);
        if (!again) {
            worker.drained();
        }
        return again;
    }

    /**
     * The worker is paused: give up ownership and leave the queue as it is. Returns whether the drain should
     * go on: it took ownership back because the worker resumed or began to stop as it gave it up (the flag is
     * lowered before the pause and state are read again; see the class comment).
     */
    private boolean hold() {
        scheduled = false;
        boolean again = !worker.holdsItems() && SCHEDULED.compareAndSet(this, false, true);
        if (!again) {
            worker.drained(); // an awaitIdle caller looks again: a paused worker with an empty queue is idle
        }
        return again;
    }

    /** The worker resumed: a drain runs what the pause held, unless one owns the queue already. */
    void resumed() {
        if (!queue.isEmpty() && !scheduled && SCHEDULED.compareAndSet(this, false, true)) {
            dispatch();
        }
    }

    /** A graceful stop began: drain what is left now, and run a lingering batch without waiting. */
    void stopRequested() {
        queueWaiting(); // a stop does not wait out retry delays
        ScheduledFuture<?> linger = lingerTimer;
        if (!scheduled && SCHEDULED.compareAndSet(this, false, true)) {
            dispatch(); // drains what is left, then settles the stop
        } else if (LINGER_PENDING.compareAndSet(this, true, false)) {
            if (linger != null) {
                linger.cancel(false);
            }
            dispatch(); // a batch was waiting to fill: run it now instead of after the poll delay
        }
    }

    /** The linger timer fired: the batch runs with what it has, unless a stop resumed it first. */
    private void resumeLinger() {
        if (LINGER_PENDING.compareAndSet(this, true, false)) {
            dispatch();
        }
    }

    // ------------------------------------------------------------------ retries

    /**
     * The run of {@code input} (an element, or a batch of them) failed with {@code error}: each of its items
     * waits for its retry, or goes to the dead letters. Called by the drain's owner, right after the run.
     */
    private void failedRun(Object input, Throwable error) {
        Throwable cause = error != null ? error
                : new IllegalStateException("the run of worker '" + worker.getName() + "' failed"); // not expected
        RetryPolicy policy = worker.getRetryPolicy();
        for (Object element : held(input)) {
            Retried before = element instanceof Retried retried ? retried : null;
            Object original = before != null ? before.element : element;
            int attempts = before == null ? 1 : before.attempts == Integer.MAX_VALUE ? before.attempts : before.attempts + 1;
            if (policy.retries(cause, attempts)) {
                retryLater(new Retried(original, attempts), policy.delayNanos(attempts));
            } else {
                worker.deadLetters().add(item(original), cause, attempts);
            }
        }
    }

    /**
     * Queues {@code retried} again after {@code delayNanos}, or at once while the worker stops (a stop does
     * not wait out delays) or when there is no timer. Called by the owner only. If a forced stop has taken
     * the queue already (the owner was slow, in a dead-letter handler say), the item goes back with what the
     * stop handed back: it would find no drain in the queue.
     */
    private void retryLater(Retried retried, long delayNanos) {
        worker.deadLetters().retrying();
        boolean later = delayNanos > 0 && worker.isActive() && !abandoned();
        synchronized (this) {
            if (surrendered) {
                handOverLate(retried);
                return;
            }
            if (!later) {
                requeue(retried); // this owner takes it with what is queued, or the surrender does
                return;
            }
            waiting.add(retried);
            waitingCount = waiting.size();
        }
        try {
            retried.timer = worker.timerLoop().schedule(() -> retryDue(retried), Duration.ofNanos(delayNanos));
            return;
        } catch (RejectedExecutionException e) {
            // the timer loop is stopping: queue it at once, unless a stop took it meanwhile
        }
        synchronized (this) {
            if (!waiting.remove(retried)) {
                return;
            }
            waitingCount = waiting.size();
            if (surrendered) {
                handOverLate(retried);
            } else {
                requeue(retried);
            }
        }
    }

    /** Hands one item back after the stop's surrender, with its report if that is not made yet. Holds this. */
    private void handOverLate(Retried retried) {
        T one = item(retried.element);
        List<T> items = List.of(one);
        if (reported != null) {
            reported.addAll(items);
        }
        worker.handOver(items);
    }

    private void requeue(Retried retried) {
        queue.add(retried);
        size.increment();
    }

    /** A retry's delay passed: the item is queued behind what was put meanwhile, and a drain runs it. */
    private void retryDue(Retried retried) {
        synchronized (this) {
            if (!waiting.remove(retried)) {
                return; // a stop queued it, or handed it back, already
            }
            waitingCount = waiting.size();
            requeue(retried);
        }
        if (!scheduled && !worker.holdsItems() && SCHEDULED.compareAndSet(this, false, true)) {
            dispatch(); // a paused worker holds it, queued again, as it holds what is put
        }
    }

    /** A stop queues every item waiting for a retry, at once; returns whether there was any. */
    private synchronized boolean queueWaiting() {
        if (waiting.isEmpty()) {
            return false;
        }
        for (Retried retried : waiting) {
            cancel(retried);
            requeue(retried);
        }
        clearWaiting();
        return true;
    }

    private void clearWaiting() {
        waiting.clear();
        waitingCount = 0;
    }

    private static void cancel(Retried retried) {
        ScheduledFuture<?> timer = retried.timer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** What the target runs with for {@code input}: a retried element's original, a batch's one by one. */
    @SuppressWarnings("unchecked")
    private Object runnable(Object input) {
        if (input instanceof Retried retried) {
            return retried.element;
        }
        if (batchSize == 0) {
            return input;
        }
        List<Object> elements = (List<Object>) input;
        for (int i = 0; i < elements.size(); i++) {
            if (elements.get(i) instanceof Retried) {
                List<Object> originals = new ArrayList<>(elements.size());
                for (Object element : elements) {
                    originals.add(element instanceof Retried retried ? retried.element : element);
                }
                return originals;
            }
        }
        return input; // no retries among them: the batch as it is, nothing copied
    }

    // ------------------------------------------------------------------ handing back

    /** A forced stop begins: from now on the drain runs nothing more. */
    void close() {
        closed = true;
    }

    /**
     * A forced stop, after the run was interrupted: waits until {@code grace} for a live drain to hand the
     * items back in order, then takes what is left itself. Returns everything this stop handed back.
     */
    synchronized List<T> surrenderedBy(Deadline grace) {
        try {
            while (!surrendered && scheduled && !grace.hasPassed()) {
                grace.waitOn(this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!surrendered) {
            surrender(List.of()); // no drain, or one stuck in a run that ignores its interruption
        }
        List<T> items = reported == null ? List.of() : List.copyOf(reported);
        reported = null;
        return items;
    }

    /**
     * Hands back, once per forced stop, {@code held} (what the drain held as the stop began, which came
     * first) and then everything queued; later calls hand back only what they hold (items a racing put
     * added after that). Wakes a stopping thread that waits for it.
     */
    private synchronized void surrender(List<Object> held) {
        List<T> rest = new ArrayList<>(items(held));
        if (!surrendered) {
            rest.addAll(takeAll());
            surrendered = true;
            notifyAll();
        }
        if (!rest.isEmpty()) {
            if (reported != null) {
                reported.addAll(rest);
            }
            worker.handOver(rest);
        }
    }

    /** Ends the worker without running the target again: what is queued goes to the handler. */
    private void handBack() {
        synchronized (this) {
            List<T> rest = takeAll();
            if (!rest.isEmpty()) {
                if (reported != null && (closed || worker.isForcing())) {
                    reported.addAll(rest); // a run returned false as a forced stop began: its report has them
                }
                worker.handOver(rest);
            }
            surrendered = true; // nothing left for a forced stop to wait for
            notifyAll();
        }
        worker.idle(startedIn);
        scheduled = false;
        worker.drained();
    }

    private List<T> takeAll() {
        List<Object> elements = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<Object> held = (List<Object>) LINGERING.getAndSet(this, null);
        if (held != null) {
            elements.addAll(held);
        }
        int before = elements.size();
        for (Object element; (element = queue.poll()) != null; ) {
            elements.add(element);
        }
        taken(elements, before);
        synchronized (this) { // reentrant: callers hold it
            for (Retried retried : waiting) {
                cancel(retried);
                elements.add(retried.element); // after the queue: handed back last
            }
            clearWaiting();
        }
        return items(elements);
    }

    /** The items that queue elements hold. */
    private List<T> items(List<Object> elements) {
        if (!contexts && elements.stream().noneMatch(Retried.class::isInstance)) {
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
}
