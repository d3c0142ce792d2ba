package dev.tasksupervisor.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when an unbounded queue grows: at {@code first} items, then at ten times as many, and so on, each
 * threshold once, until the queue has been empty again. An unbounded queue fed faster than it is handled
 * grows until the heap runs out; this is the warning before that, with what to do.
 *
 * <p>Putters sample the size now and then (reading a striped counter on every put would cost more than
 * the put), so a warning may come a few thousand items late. {@code nextAt} changes by compare-and-set:
 * of the putters that see a threshold crossed, one logs it.
 */
final class QueueGrowth {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);
    private static final VarHandle NEXT_AT;

    static {
        try {
            NEXT_AT = MethodHandles.lookup().findVarHandle(QueueGrowth.class, "nextAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A putter checks the size once in this many puts, on average (a power of two, less one: a mask). */
    static final int SAMPLE_MASK = 1023;

    private final String worker;
    private final long first;
    private volatile long nextAt;

    QueueGrowth(String worker, long first) {
        this.worker = worker;
        this.first = first;
        this.nextAt = first;
    }

    /** A putter's sample: the queue holds {@code size} items. */
    void check(long size) {
        long at = nextAt;
        if (size >= at && NEXT_AT.compareAndSet(this, at, at > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : at * 10)) {
            log.warn("Worker '{}' has {} items queued in an unbounded queue, which grows for as long as items come "
                    + "faster than they are handled, until the heap runs out: set a queue capacity for back-pressure "
                    + "(setCapacity, or supervisor.workers.{}.queue-capacity), or handle items faster; warned again at "
                    + "{}", worker, String.format("%,d", size), worker, String.format("%,d", nextAt));
        }
    }

    /** The queue was found empty: the thresholds start over. */
    void emptied() {
        if (nextAt != first) {
            nextAt = first;
        }
    }
}
