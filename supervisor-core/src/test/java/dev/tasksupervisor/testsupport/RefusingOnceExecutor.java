package dev.tasksupervisor.testsupport;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pool whose first {@code execute} fails as a JVM out of native threads does, and which then works: for
 * tests that one refusal wedges nothing.
 */
public final class RefusingOnceExecutor extends ThreadPoolExecutor {

    private final AtomicBoolean refused = new AtomicBoolean();

    public RefusingOnceExecutor() {
        super(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    @Override
    public void execute(Runnable command) {
        if (refused.compareAndSet(false, true)) {
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource "
                    + "limits reached");
        }
        super.execute(command);
    }
}
