package dev.tasksupervisor.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;

/**
 * Test helper: runs a body on several threads released together, and collects every throwable that
 * escapes them, or that any thread of the JVM leaves to the default uncaught-exception handler
 * meanwhile (a pool thread killed by an exception, say).
 */
public final class Contenders implements AutoCloseable {

    /** A body that may throw; gets the index of its thread. */
    @FunctionalInterface
    public interface Body {
        void run(int index) throws Exception;
    }

    private final Queue<Throwable> escaped = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private Thread.UncaughtExceptionHandler previousHandler;

    /** Starts watching for uncaught exceptions in every thread; call {@link #close()} when done. */
    public static Contenders watching() {
        Contenders contenders = new Contenders();
        contenders.previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> contenders.escaped.add(
                new AssertionError("uncaught in thread " + thread.getName(), error)));
        return contenders;
    }

    /**
     * Starts {@code count} threads named {@code name-0 ...} that run {@code body} at once (behind a
     * barrier); returns without waiting for them.
     */
    public Contenders start(int count, String name, Body body) {
        CyclicBarrier ready = new CyclicBarrier(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try {
                    ready.await();
                    body.run(index);
                } catch (Throwable e) {
                    escaped.add(new AssertionError("thrown in thread " + Thread.currentThread().getName(), e));
                }
            }, name + "-" + i);
            threads.add(thread);
            thread.start();
        }
        return this;
    }

    /** Waits for every thread started so far to end. */
    public Contenders join() throws InterruptedException {
        for (Thread thread : threads) {
            thread.join();
        }
        return this;
    }

    /** What escaped so far: thrown by a body, or uncaught anywhere. */
    public List<Throwable> escaped() {
        return List.copyOf(escaped);
    }

    /** Restores the default uncaught-exception handler. */
    @Override
    public void close() {
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }
}
