package dev.tasksupervisor.worker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue worker's dead letters: handed to its {@link DeadLetterHandler}, or logged and kept (oldest
 * first, at most {@code capacity}) until the application takes them; and the counts of retries and letters.
 *
 * <p>Thread safety: letters are added by the threads of failed runs and taken by any caller; the queue is
 * concurrent and {@code kept} follows its size (a {@code ConcurrentLinkedQueue} counts by walking), so the
 * two may disagree for an instant while both change, never for long. Settings are volatile.
 */
final class DeadLetters<T> {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);

    private final String worker;
    private final ConcurrentLinkedQueue<DeadLetter<T>> letters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();
    private final LongAdder retries = new LongAdder();
    private final LongAdder total = new LongAdder();
    /** {@code null}: the default, which logs each letter and keeps it. */
    private volatile DeadLetterHandler<T> handler;
    private volatile int capacity = QueueWorker.DEFAULT_DEAD_LETTER_CAPACITY;

    DeadLetters(String worker) {
        this.worker = worker;
    }

    void setHandler(DeadLetterHandler<T> handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    void setCapacity(int capacity) {
        this.capacity = capacity;
    }

    List<DeadLetter<T>> kept() {
        return List.copyOf(letters);
    }

    List<DeadLetter<T>> take() {
        List<DeadLetter<T>> taken = new ArrayList<>();
        for (DeadLetter<T> letter; (letter = letters.poll()) != null; ) {
            kept.decrementAndGet();
            taken.add(letter);
        }
        return taken;
    }

    int keptCount() {
        return Math.max(0, kept.get());
    }

    long retries() {
        return retries.sum();
    }

    long total() {
        return total.sum();
    }

    /** A retry of a failed item is about to be scheduled. */
    void retrying() {
        retries.increment();
    }

    /**
     * Gives up on {@code item}, whose {@code attempts}-th run failed with {@code error}: to the handler, or
     * logged and kept. Called on the thread of that run.
     */
    void add(T item, Throwable error, int attempts) {
        total.increment();
        DeadLetter<T> letter = new DeadLetter<>(worker, item, error, attempts, Instant.now());
        DeadLetterHandler<T> current = handler;
        if (current != null) {
            try {
                current.handle(letter);
                return;
            } catch (Exception | Error e) {
                log.error("The dead-letter handler of worker '{}' failed on {}: the letter is kept; take it with "
                        + "takeDeadLetters()", worker, WorkerRuns.describe(item), e);
            }
        } else {
            log.warn("Worker '{}' gave up on {} after {} attempt(s), the last failing with {}: kept in its dead letters "
                    + "until the application takes them (takeDeadLetters(), or a DeadLetterHandler)", worker,
                    WorkerRuns.describe(item), attempts, error.toString());
        }
        keep(letter);
    }

    private void keep(DeadLetter<T> letter) {
        letters.add(letter);
        int count = kept.incrementAndGet();
        while (count > capacity) {
            DeadLetter<T> oldest = letters.poll();
            if (oldest == null) {
                break; // taken meanwhile
            }
            count = kept.decrementAndGet();
            log.error("Worker '{}' keeps at most {} dead letters: lets go of the oldest, {} (failed with {}); take "
                    + "them with takeDeadLetters(), set a DeadLetterHandler, or raise the dead-letter capacity",
                    worker, capacity, WorkerRuns.describe(oldest.item()), oldest.error().toString());
        }
    }
}
