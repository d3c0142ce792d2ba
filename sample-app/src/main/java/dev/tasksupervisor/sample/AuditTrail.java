package dev.tasksupervisor.sample;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.WorkerContext;

/**
 * A plain worker: runs again and again on a pool thread of its own, writing the audit events the other
 * workers record. It does not spin: each run blocks on the event queue for up to a second.
 */
@Component
public class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<String> written = new CopyOnWriteArrayList<>();

    /** Records an event; any thread may call it. */
    public void record(String event) {
        events.add(event);
    }

    @Worker
    boolean writeAudit(WorkerContext context) throws InterruptedException {
        // A bounded wait, so that the worker notices a stop within a second.
        String event = events.poll(1, TimeUnit.SECONDS);
        if (event != null) {
            log.info("Audit: {} (on {})", event, Thread.currentThread().getName());
            written.add(event);
        }
        return context.isActive();
    }

    /** The events written so far. */
    public List<String> written() {
        return List.copyOf(written);
    }
}
