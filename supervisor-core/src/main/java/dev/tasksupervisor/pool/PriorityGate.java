package dev.tasksupervisor.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;

import dev.tasksupervisor.Priority;

/**
 * Admits spawned tasks to the pool by priority (atasker's scheme). A task of priority {@code p} may
 * start while fewer than {@code limit(p)} admitted tasks run and no task of the same or higher
 * priority waits; otherwise it waits, highest priority first, then oldest first. {@code CRITICAL}
 * tasks are admitted at once and go to the overflow executor when the pool has no free thread.
 *
 * <p>Invariants: every non-final field is guarded by {@code this}. {@code running} counts admitted
 * tasks that have not called {@link #release()}; each admitted task calls it exactly once, from
 * {@link PoolTask#run()} or, if it could not be handed to a thread, from here. Tasks are handed to
 * executors outside the lock; {@code dispatching} counts those taken out of {@code waiting} (or
 * admitted directly) and not yet handed over, so that the gate counts as drained, and the executors
 * may be shut down, only once every accepted task has reached an executor.
 */
final class PriorityGate {

    /** Hands an admitted task to a thread: the pool, or the overflow executor when {@code beyondPool}. */
    interface Dispatcher {
        void dispatch(Runnable runnable, boolean beyondPool);
    }

    private record Waiting(Priority priority, long sequence, PoolTask<?> task, Runnable runnable) {
    }

    private static final Comparator<Waiting> ORDER = Comparator
            .comparing(Waiting::priority, Comparator.reverseOrder())
            .thenComparingLong(Waiting::sequence);

    private final Dispatcher dispatcher;
    private final IntSupplier poolMax;
    private final PriorityQueue<Waiting> waiting = new PriorityQueue<>(ORDER);
    private int lowLimit;
    private int normalLimit;
    private int highLimit;
    private int running;
    private int dispatching;
    private long sequence;
    private boolean closed;
    private Runnable whenDrained;

    PriorityGate(Dispatcher dispatcher, IntSupplier poolMax, int poolSize, int reserveNormal, int reserveHigh) {
        this.dispatcher = dispatcher;
        this.poolMax = poolMax;
        setLimits(poolSize, reserveNormal, reserveHigh);
    }

    /** Changes the limits; tasks the new limits allow start at once. 0 means "no limit". */
    void setLimits(int poolSize, int reserveNormal, int reserveHigh) {
        List<Waiting> admitted;
        synchronized (this) {
            if (poolSize == 0) {
                lowLimit = normalLimit = highLimit = Integer.MAX_VALUE;
            } else {
                lowLimit = poolSize;
                normalLimit = poolSize + reserveNormal;
                highLimit = normalLimit + reserveHigh;
            }
            admitted = admitWaiting();
        }
        start(admitted);
    }

    private int limit(Priority priority) {
        return switch (priority) {
            case LOW -> lowLimit;
            case NORMAL -> normalLimit;
            case HIGH -> highLimit;
            case CRITICAL -> Integer.MAX_VALUE;
        };
    }

    /**
     * Starts {@code task} (run as {@code runnable}, its decorated form) now if its priority allows, or
     * lets it wait.
     *
     * @throws RejectedExecutionException if the gate is closed or the pool refuses the task
     */
    void submit(Priority priority, PoolTask<?> task, Runnable runnable) {
        boolean beyondPool;
        synchronized (this) {
            if (closed) {
                throw new RejectedExecutionException("the pool is stopping and accepts no new tasks");
            }
            Waiting head = waiting.peek();
            boolean mayStart = priority == Priority.CRITICAL
                    || (running < limit(priority) && (head == null || head.priority().compareTo(priority) < 0));
            if (!mayStart) {
                waiting.add(new Waiting(priority, sequence++, task, runnable));
                return;
            }
            running++;
            dispatching++;
            beyondPool = priority == Priority.CRITICAL && running > poolMax.getAsInt();
        }
        task.admittedBy(this);
        try {
            dispatcher.dispatch(runnable, beyondPool);
        } catch (RuntimeException | Error e) {
            handedOver(1);
            release();
            throw e;
        }
        handedOver(1);
    }

    /** Gives a slot back and starts what may start now. */
    void release() {
        List<Waiting> next;
        synchronized (this) {
            running--;
            next = admitWaiting();
        }
        start(next);
    }

    /** Takes the waiting tasks the limits allow to start now, counting them as running and dispatching. */
    private List<Waiting> admitWaiting() {
        synchronized (this) {
            List<Waiting> admitted = List.of();
            while (!waiting.isEmpty() && running < limit(waiting.peek().priority())) {
                if (admitted.isEmpty()) {
                    admitted = new ArrayList<>(2);
                }
                admitted.add(waiting.poll());
                running++;
                dispatching++;
            }
            return admitted;
        }
    }

    private void start(List<Waiting> admitted) {
        List<Waiting> next = admitted;
        while (!next.isEmpty()) {
            List<Waiting> more = new ArrayList<>(0);
            for (Waiting w : next) {
                w.task().admittedBy(this);
                try {
                    dispatcher.dispatch(w.runnable(), false);
                } catch (RuntimeException | Error e) {
                    // The pool refused an accepted task: fail its future rather than lose it.
                    w.task().completeExceptionally(e);
                    synchronized (this) {
                        running--;
                        more.addAll(admitWaiting());
                    }
                }
            }
            handedOver(next.size());
            next = more;
        }
    }

    /** Counts tasks as handed to an executor; runs the drained action if that was the last one. */
    private void handedOver(int count) {
        Runnable action = null;
        synchronized (this) {
            dispatching -= count;
            if (isDrained()) {
                action = whenDrained;
                whenDrained = null;
            }
        }
        if (action != null) {
            action.run();
        }
    }

    private boolean isDrained() {
        return whenDrained != null && waiting.isEmpty() && dispatching == 0;
    }

    /**
     * Refuses new tasks from now on and runs {@code action} once every accepted task has been handed to
     * an executor: at once if none waits.
     */
    void close(Runnable action) {
        synchronized (this) {
            closed = true;
            whenDrained = action;
        }
        handedOver(0);
    }

    /** Cancels every waiting task (their futures report cancellation) and returns how many there were. */
    int cancelWaiting() {
        List<Waiting> cancelled;
        synchronized (this) {
            cancelled = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Waiting w : cancelled) {
            w.task().cancel(false);
        }
        handedOver(0);
        return cancelled.size();
    }

    /** Tasks held back by the limits now. */
    synchronized int waitingCount() {
        return waiting.size();
    }
}
