package dev.tasksupervisor;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the pool's threads: named platform daemon threads, or virtual threads on Java 21+ (reached
 * by reflection, since the library is compiled for Java 17). Counts the threads running for
 * {@link ScalingQueue}. Each thread knows its pool ({@link #ownerOfCurrentThread()}), so that the
 * supervisor can tell a call from one of its own tasks, which must not wait for the pool to finish.
 */
final class PoolThreads implements ThreadFactory {

    /** The pool a thread was made for; set once when the thread starts, so tasks pay nothing for it. */
    private static final ThreadLocal<Object> OWNER = new ThreadLocal<>();

    private final ThreadFactory base;
    private final AtomicInteger live = new AtomicInteger();
    private volatile Object owner;

    private PoolThreads(ThreadFactory base) {
        this.base = base;
    }

    /** The pool whose thread this is, or {@code null}. */
    static Object ownerOfCurrentThread() {
        return OWNER.get();
    }

    /** Makes the threads made from now on report {@code pool} as their owner; call before the first. */
    PoolThreads ownedBy(Object pool) {
        this.owner = pool;
        return this;
    }

    /** Threads made by {@code base}: for tests whose threads refuse to start, as a system out of threads does. */
    static PoolThreads of(ThreadFactory base) {
        return new PoolThreads(base);
    }

    /** Daemon platform threads named {@code prefix1, prefix2, ...}. */
    static PoolThreads platform(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return new PoolThreads(runnable -> {
            Thread t = new Thread(runnable, prefix + number.incrementAndGet());
            // Daemon: a supervisor nobody stopped must not keep the JVM from exiting (neotasker's did).
            t.setDaemon(true);
            return t;
        });
    }

    /** Virtual threads named {@code prefix1, prefix2, ...}; Java 21+. */
    static PoolThreads virtual(String prefix) {
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("virtual threads need Java 21 or newer, but this JVM runs Java "
                    + Runtime.version().feature() + ": switch virtualThreads off or run on Java 21+");
        }
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 1L);
            return new PoolThreads((ThreadFactory) builderType.getMethod("factory").invoke(builder));
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new IllegalStateException("this JVM cannot create virtual threads: " + cause, cause);
        }
    }

    @Override
    public Thread newThread(Runnable worker) {
        Object pool = owner;
        // Counted once it runs, not when made: a thread the system refuses to start never runs, and counted
        // at making it would count for ever (the executor tells its factory nothing of a failed start).
        return base.newThread(() -> {
            live.incrementAndGet();
            OWNER.set(pool);
            try {
                worker.run();
            } finally {
                live.decrementAndGet();
            }
        });
    }

    /** Threads running and not yet ended. */
    AtomicInteger live() {
        return live;
    }
}
