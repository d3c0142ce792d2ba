package dev.tasksupervisor.docs.failures;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.tasksupervisor.annotation.Retry;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.RetryPolicy;

/** The snippets of docs/failures.md, "Failed queue items: retries and dead letters". */
class FailuresSnippets {

    record Order(String id) {
    }

    /** Where the dead letters go. */
    static final class FailedOrders {
        final List<Order> saved = new CopyOnWriteArrayList<>();

        void save(Order order, Throwable error) {
            saved.add(order);
        }
    }

    /** The carrier a queue worker ships with. */
    interface Carrier {
        void send(Order order) throws IOException;
    }

    final FailedOrders failedOrders = new FailedOrders();

    Carrier carrier = order -> {
    };

    /** In plain Java. */
    void retries(QueueWorker<Order> worker) {
        worker.setRetryPolicy(RetryPolicy.builder()
                .maxRetries(5).delay(Duration.ofSeconds(1)).multiplier(2).maxDelay(Duration.ofMinutes(1))
                .jitter(Duration.ofMillis(200)).includes(IOException.class)
                .build());
        worker.setDeadLetterHandler(letter -> failedOrders.save(letter.item(), letter.error()));
    }

    /** In Spring Boot. */
    @Worker(queue = true, retry = @Retry(maxRetries = 5, delay = "1s", maxDelay = "1m", includes = IOException.class))
    void ship(Order order) throws IOException {
        carrier.send(order);   // an IOException is retried, up to 5 times; anything else goes to the dead letters
    }
}
