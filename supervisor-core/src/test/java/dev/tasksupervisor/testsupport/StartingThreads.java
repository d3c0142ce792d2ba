package dev.tasksupervisor.testsupport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes daemon threads whose start can be held back (threads slow to start, as thousands are) or refused
 * with the {@link OutOfMemoryError} a system out of threads gives ({@code unable to create native thread}),
 * after a number of threads that started.
 */
public final class StartingThreads implements ThreadFactory {

    /** The message the JVM gives when the system refuses a thread. */
    public static final String REFUSAL = "unable to create native thread: possibly out of memory or process/resource "
            + "limits reached";

    private final String prefix;
    private final int startsFreely;
    private final CountDownLatch held;
    private final int refusedAfter;
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private StartingThreads(String prefix, int startsFreely, CountDownLatch held, int refusedAfter) {
        this.prefix = prefix;
        this.startsFreely = startsFreely;
        this.held = held;
        this.refusedAfter = refusedAfter;
    }

    /** The first {@code startsFreely} threads start at once; each later one only once {@code held} opens. */
    public static StartingThreads heldAfter(String prefix, int startsFreely, CountDownLatch held) {
        return new StartingThreads(prefix, startsFreely, held, Integer.MAX_VALUE);
    }

    /** The first {@code count} threads start; every later one is refused. */
    public static StartingThreads refusingAfter(String prefix, int count) {
        return new StartingThreads(prefix, Integer.MAX_VALUE, null, count);
    }

    /** Threads whose start was refused so far. */
    public int refused() {
        return refused.get();
    }

    /**
     * Holds or refuses here, in the factory, rather than in an overridden {@code Thread.start()}: from Java 21
     * the executor starts its threads through its thread container, which does not call that method. The
     * executor calls the factory on the thread that adds the worker, as it calls {@code start()}, and treats
     * an error from either the same way.
     */
    @Override
    public Thread newThread(Runnable runnable) {
        int number = made.incrementAndGet();
        if (number > refusedAfter) {
            refused.incrementAndGet();
            throw new OutOfMemoryError(REFUSAL);
        }
        if (number > startsFreely) {
            try {
                held.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while holding back thread " + prefix + number, e);
            }
        }
        Thread thread = new Thread(runnable, prefix + number);
        thread.setDaemon(true);
        return thread;
    }
}
