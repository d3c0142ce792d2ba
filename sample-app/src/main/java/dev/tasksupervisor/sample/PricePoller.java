package dev.tasksupervisor.sample;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.annotation.Worker;

/**
 * Async workers on aloops: they return a {@code CompletionStage}, run on an aloop's thread and wait
 * with the loop's timers, never blocking it. One polls prices again and again on the aloop {@code io};
 * the other is an async cron worker on the aloop {@code reports}.
 */
@Component
public class PricePoller {

    private static final Logger log = LoggerFactory.getLogger(PricePoller.class);

    private final Aloop io;
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicReference<String> lastThread = new AtomicReference<>();
    private final AtomicInteger reports = new AtomicInteger();

    PricePoller(@Qualifier("ioAloop") Aloop io) {
        this.io = io;
    }

    /** Stands in for a non-blocking client call: the answer comes later, the loop thread is free meanwhile. */
    @Worker(aloop = "io")
    CompletionStage<Void> pollPrices() {
        return io.sleep(Duration.ofMillis(500)).thenRun(() -> {
            lastThread.set(Thread.currentThread().getName());
            int count = polls.incrementAndGet();
            if (count % 10 == 1) {
                log.info("Polled prices {} time(s), on {}", count, Thread.currentThread().getName());
            }
        });
    }

    @Worker(cron = "${sample.report:0/30 * * * * *}", aloop = "reports") // at seconds 0 and 30 of every minute
    CompletionStage<Void> priceReport() {
        log.info("Price report #{} after {} polls (on {})", reports.incrementAndGet(), polls.get(),
                Thread.currentThread().getName());
        return CompletableFuture.completedFuture(null);
    }

    /** How many polls have completed. */
    public int polls() {
        return polls.get();
    }

    /** The thread the last poll completed on. */
    public String lastThread() {
        return lastThread.get();
    }

    /** How many reports have been made. */
    public int reports() {
        return reports.get();
    }
}
