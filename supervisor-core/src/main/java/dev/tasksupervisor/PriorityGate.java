package dev.tasksupervisor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

import dev.tasksupervisor.pool.Priority;

/**
 * Admits spawned tasks to the pool by priority (atasker's scheme). A task of priority {@code p} may
 * start while fewer than {@code limit(p)} admitted tasks run and no task waits; otherwise it waits,
 * highest priority first, then oldest first. The limits grow with the priority
 * ({@code LOW ≤ NORMAL ≤ HIGH}); {@code CRITICAL} tasks are admitted at once and go to the overflow
 * executor when the pool has no free thread.
 *
 * <p>No lock. {@code running} counts admitted tasks that have not called {@link #release()}; a slot is
 * taken only by a compare-and-set that keeps it under the limit, and each admitted task gives it back
 * exactly once, from {@link PoolTask#run()} or, if it could not be handed to a thread, from here.
 * {@code waiting} counts tasks in the queues plus those taken out and not yet handed to an executor, so
 * {@code waiting == 0} after {@link #close} means every accepted task has reached an executor and the
 * executors may shut down. Waiting tasks are admitted by one thread at a time: whoever raises
 * {@code admitting} from zero loops until no request to admit arrived meanwhile (a release or a new
 * waiting task adds a request), so a slot freed while a task waits is never missed: the releaser
 * decrements {@code running} before it reads {@code waiting}, the waiter increments {@code waiting}
 * before the admission loop reads {@code running}, and one of them sees the other.
 *
 * <p>A task spawned while none waits may pass one that is being queued at that instant; the order holds
 * among tasks that actually waited.
 */
final class PriorityGate {

    /** Hands an admitted task to a thread: the pool, or the overflow executor when {@code beyondPool}. */
    interface Dispatcher {
        void dispatch(Runnable runnable, boolean beyondPool);
    }

    /** The priorities that may wait, highest first. */
    private static final Priority[] WAITING_ORDER = {Priority.HIGH, Priority.NORMAL, Priority.LOW};

    private final Dispatcher dispatcher;
    private final IntSupplier poolMax;
    /** One FIFO queue per priority that may wait, indexed by {@link Priority#ordinal()}. */
    @SuppressWarnings("unchecked")
    private final Queue<Runnable>[] queues = new Queue[Priority.values().length];
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    /** Requests to run the admission loop; non-zero while one thread runs it. */
    private final AtomicInteger admitting = new AtomicInteger();
    /** What {@link #close} asked to run once every waiting task is handed over; taken once. */
    private final AtomicReference<Runnable> whenDrained = new AtomicReference<>();
    private volatile boolean closed;
    /** Written by {@link #setLimits} (callers serialise it), read by any thread. */
    private volatile int lowLimit;
    private volatile int normalLimit;
    private volatile int highLimit;

    PriorityGate(Dispatcher dispatcher, IntSupplier poolMax, int poolSize, int reserveNormal, int reserveHigh) {
        this.dispatcher = dispatcher;
        this.poolMax = poolMax;
        for (Priority p : WAITING_ORDER) {
            queues[p.ordinal()] = new ConcurrentLinkedQueue<>();
        }
        setLimits(poolSize, reserveNormal, reserveHigh);
    }

    /** Changes the limits; tasks the new limits allow start at once. 0 means "no limit". */
    void setLimits(int poolSize, int reserveNormal, int reserveHigh) {
        if (poolSize == 0) {
            lowLimit = normalLimit = highLimit = Integer.MAX_VALUE;
        } else {
            lowLimit = poolSize;
            normalLimit = poolSize + reserveNormal;
            highLimit = normalLimit + reserveHigh;
        }
        admit();
    }

    private int limit(Priority priority) {
        return switch (priority) {
            case LOW -> lowLimit;
            case NORMAL -> normalLimit;
            case HIGH -> highLimit;
            case CRITICAL -> Integer.MAX_VALUE;
        };
    }

    /** Takes a running slot if that keeps {@code running} within {@code limit}. */
    private boolean tryAcquire(int limit) {
        for (;;) {
            int r = running.get();
            if (r >= limit) {
                return false;
            }
            if (running.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /**
     * Starts {@code runnable} (a {@link PoolTask} or its decorated form) now if its priority allows, or
     * lets it wait.
     *
     * @throws RejectedExecutionException if the gate is closed or the pool refuses the task
     */
    void submit(Priority priority, Runnable runnable) {
        if (closed) {
            throw new RejectedExecutionException("the pool is stopping and accepts no new tasks");
        }
        if (priority == Priority.CRITICAL) {
            boolean beyondPool = running.incrementAndGet() > poolMax.getAsInt();
            startNow(runnable, beyondPool);
        } else if (waiting.get() == 0 && tryAcquire(limit(priority))) {
            startNow(runnable, false);
        } else {
            queues[priority.ordinal()].add(runnable);
            waiting.incrementAndGet();
            if (closed && queues[priority.ordinal()].remove(runnable)) {
                // close() ran meanwhile and may already have shut the executors down: refuse it instead.
                handedOver();
                throw new RejectedExecutionException("the pool is stopping and accepts no new tasks");
            }
            // With every slot taken, the next release admits it: that releaser decrements running after
            // this read, so it then reads waiting after the increment above.
            if (running.get() < limit(priority)) {
                admit();
            }
        }
    }

    /** Dispatches a task that holds a slot; the caller's spawn fails if the executor refuses it. */
    private void startNow(Runnable runnable, boolean beyondPool) {
        PoolTask.behind(runnable).admittedBy(this);
        try {
            dispatcher.dispatch(runnable, beyondPool);
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    /** Gives a slot back and starts a waiting task that may start now. */
    void release() {
        running.decrementAndGet();
        if (waiting.get() > 0) {
            admit();
        }
    }

    /** Admits the waiting tasks the limits allow, or leaves that to the thread doing it now. */
    private void admit() {
        if (admitting.getAndIncrement() != 0) {
            return; // the thread in the loop below goes round once more for this request
        }
        int requests = 1;
        do {
            admitAllowed();
            requests = admitting.addAndGet(-requests);
        } while (requests != 0);
    }

    /**
     * Runs in one thread at a time (the admission loop); only a stop takes tasks out concurrently. A queue
     * is asked whether it is empty once per pass, not before every task: a profile of spawn with priorities
     * had a third of its samples in {@code ConcurrentLinkedQueue.isEmpty}, whose head shares a cache line
     * with the tail the spawning threads append to. A slot taken for a queue found empty is given back, and
     * the queue looked at again: a task queued meanwhile may have seen the slot taken and not asked to admit.
     */
    private void admitAllowed() {
        for (Priority p : WAITING_ORDER) {
            Queue<Runnable> queue = queues[p.ordinal()];
            if (queue.isEmpty()) {
                continue;
            }
            int limit = limit(p);
            for (;;) {
                if (!tryAcquire(limit)) {
                    return; // lower priorities have lower limits: none of them may start either
                }
                Runnable runnable = queue.poll();
                if (runnable == null) {
                    running.decrementAndGet(); // empty (or a stop cancelled what was there)
                    if (queue.isEmpty()) {
                        break;
                    }
                    continue;
                }
                PoolTask<?> task = PoolTask.behind(runnable);
                task.admittedBy(this);
                try {
                    dispatcher.dispatch(runnable, false);
                } catch (RuntimeException | Error e) {
                    // The pool refused an accepted task: fail its future rather than lose it.
                    task.completeExceptionally(e);
                    running.decrementAndGet();
                }
                handedOver();
            }
        }
    }

    /** Counts a waiting task as gone (handed over, refused or cancelled); runs the drained action if it was the last. */
    private void handedOver() {
        if (waiting.decrementAndGet() == 0) {
            runIfDrained();
        }
    }

    private void runIfDrained() {
        if (closed && waiting.get() == 0) {
            Runnable action = whenDrained.getAndSet(null);
            if (action != null) {
                action.run();
            }
        }
    }

    /**
     * Refuses new tasks from now on and runs {@code action} once every accepted task has been handed to
     * an executor: at once if none waits.
     */
    void close(Runnable action) {
        whenDrained.set(action); // before closed: whoever sees closed sees the action
        closed = true;
        runIfDrained();
    }

    /** Cancels every waiting task (their futures report cancellation) and returns how many there were. */
    int cancelWaiting() {
        int cancelled = 0;
        for (Priority p : WAITING_ORDER) {
            for (Runnable r; (r = queues[p.ordinal()].poll()) != null; ) {
                PoolTask.behind(r).cancel(false);
                cancelled++;
                handedOver();
            }
        }
        return cancelled;
    }

    /** Tasks held back by the limits now. */
    int waitingCount() {
        return waiting.get();
    }
}
