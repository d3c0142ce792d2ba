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
 * <p>Invariants: every field except the final ones is guarded by {@code this}. {@code running}
 * counts admitted tasks that have not called {@link #release()}; each admitted task calls it exactly
 * once, from {@link PoolTask#run()} or, if it could not be handed to a thread, from here. Tasks are
 * handed to executors outside the lock.
 */
final class PriorityGate {

    /** Hands an admitted task to a thread: the pool, or the overflow executor when {@code beyondPool}. */
    interface Dispatcher {
        void dispatch(PoolTask<?> task, boolean beyondPool);
    }

    private record Waiting(Priority priority, long sequence, PoolTask<?> task) {
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
        synchronized (this) {
            if (poolSize == 0) {
                lowLimit = normalLimit = highLimit = Integer.MAX_VALUE;
            } else {
                lowLimit = poolSize;
                normalLimit = poolSize + reserveNormal;
                highLimit = normalLimit + reserveHigh;
            }
        }
        start(admitWaiting(), false);
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
     * Starts {@code task} now if its priority allows, or lets it wait.
     *
     * @throws RejectedExecutionException if the gate is closed or the pool refuses the task
     */
    void submit(Priority priority, PoolTask<?> task) {
        boolean beyondPool;
        synchronized (this) {
            if (closed) {
                throw new RejectedExecutionException("the pool is stopping and accepts no new tasks");
            }
            Waiting head = waiting.peek();
            boolean mayStart = priority == Priority.CRITICAL
                    || (running < limit(priority) && (head == null || head.priority().compareTo(priority) < 0));
            if (!mayStart) {
                waiting.add(new Waiting(priority, sequence++, task));
                return;
            }
            running++;
            beyondPool = priority == Priority.CRITICAL && running > poolMax.getAsInt();
        }
        task.admittedBy(this);
        try {
            dispatcher.dispatch(task, beyondPool);
        } catch (RejectedExecutionException e) {
            release();
            throw e;
        }
    }

    /** Gives a slot back and starts what may start now. */
    void release() {
        List<PoolTask<?>> next;
        synchronized (this) {
            running--;
            next = admitWaiting();
        }
        start(next, true);
    }

    /** Takes the waiting tasks the limits allow to start now, counting them as running. */
    private List<PoolTask<?>> admitWaiting() {
        synchronized (this) {
            List<PoolTask<?>> admitted = List.of();
            while (!waiting.isEmpty() && running < limit(waiting.peek().priority())) {
                if (admitted.isEmpty()) {
                    admitted = new ArrayList<>(2);
                }
                admitted.add(waiting.poll().task());
                running++;
            }
            return admitted;
        }
    }

    private void start(List<PoolTask<?>> tasks, boolean checkDrained) {
        List<PoolTask<?>> next = tasks;
        while (!next.isEmpty()) {
            List<PoolTask<?>> more = new ArrayList<>(0);
            for (PoolTask<?> task : next) {
                task.admittedBy(this);
                try {
                    dispatcher.dispatch(task, false);
                } catch (RejectedExecutionException e) {
                    // The pool went away under an accepted task: fail its future rather than lose it.
                    task.completeExceptionally(e);
                    synchronized (this) {
                        running--;
                        more.addAll(admitWaiting());
                    }
                }
            }
            next = more;
        }
        if (checkDrained) {
            runIfDrained();
        }
    }

    private void runIfDrained() {
        Runnable action;
        synchronized (this) {
            if (whenDrained == null || !waiting.isEmpty()) {
                return;
            }
            action = whenDrained;
            whenDrained = null;
        }
        action.run();
    }

    /**
     * Refuses new tasks from now on and runs {@code action} once every waiting task has been handed to
     * a thread: at once if none waits.
     */
    void close(Runnable action) {
        synchronized (this) {
            closed = true;
            whenDrained = action;
        }
        runIfDrained();
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
        runIfDrained();
        return cancelled.size();
    }

    /** Tasks held back by the limits now. */
    synchronized int waitingCount() {
        return waiting.size();
    }
}
