package dev.tasksupervisor.testsupport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Parks one thread, once, at a chosen point of the code under test, until the test lets it go: the
 * interleaving a preemption would make there, forced instead of hoped for. A test overrides a method the
 * code calls at that point (a public getter, a package-private hook) and calls {@link #park} in it.
 */
public final class Gap {

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch left = new CountDownLatch(1);
    private final AtomicBoolean armed = new AtomicBoolean(true);

    /** Parks the calling thread here the first time {@code where} holds, until {@link #leave()}. */
    public void park(BooleanSupplier where) {
        if (armed.get() && where.getAsBoolean() && armed.compareAndSet(true, false)) {
            entered.countDown();
            try {
                if (!left.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never let the parked thread go");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Parks the calling thread the first time it gets here. */
    public void park() {
        park(() -> true);
    }

    /** Waits until a thread is parked in the gap. */
    public void awaitEntered() throws InterruptedException {
        if (!entered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no thread reached the gap within 10 s");
        }
    }

    /** Lets the parked thread (or the one still to come) go on. */
    public void leave() {
        left.countDown();
    }

    /**
     * Whether the method that called the overridden one is {@code method} of the class named {@code className}:
     * the first frame outside {@code override}'s class and this one.
     */
    public static boolean calledFrom(Object override, String className, String method) {
        Class<?> skip = override.getClass();
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .dropWhile(f -> f.getDeclaringClass() == Gap.class || f.getDeclaringClass() == skip)
                .findFirst()
                .map(f -> f.getClassName().equals(className) && f.getMethodName().equals(method))
                .orElse(false));
    }
}
