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
    /** Whether a refused thread is made and then refused by its own {@code start()}, called by the test itself. */
    private final boolean refuseAtStart;
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private StartingThreads(String prefix, int startsFreely, CountDownLatch held, int refusedAfter,
            boolean refuseAtStart) {
        this.refuseAtStart = refuseAtStart;
        this.prefix = prefix;
        this.startsFreely = startsFreely;
        this.held = held;
        this.refusedAfter = refusedAfter;
    }

    /** The first {@code startsFreely} threads start at once; each later one only once {@code held} opens. */
    public static StartingThreads heldAfter(String prefix, int startsFreely, CountDownLatch held) {
        return new StartingThreads(prefix, startsFreely, held, Integer.MAX_VALUE, false);
    }

    /** The first {@code count} threads start; every later one is refused. */
    public static StartingThreads refusingAfter(String prefix, int count) {
        return new StartingThreads(prefix, Integer.MAX_VALUE, null, count, false);
    }

    /**
     * As {@link #refusingAfter}, but the refused thread is made and its own {@code start()} throws: for a
     * test that starts the factory's threads itself (an executor from Java 21 does not call that method).
     */
    public static StartingThreads refusingStartAfter(String prefix, int count) {
        return new StartingThreads(prefix, Integer.MAX_VALUE, null, count, true);
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
        if (number > refusedAfter && !refuseAtStart) {
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
        Thread thread = new Thread(runnable, prefix + number) {
            @Override
            public synchronized void start() {
                if (number > refusedAfter) {
                    refused.incrementAndGet();
                    throw new OutOfMemoryError(REFUSAL);
                }
                super.start();
            }
        };
        thread.setDaemon(true);
        return thread;
    }
}
