package dev.tasksupervisor.docs.workers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/** The snippets of docs/workers.md, one method per block; {@code WorkersSnippetsTests} runs them. */
class WorkersSnippets {

    private static final Logger log = LoggerFactory.getLogger(WorkersSnippets.class);

    record Order(String id) {
    }

    record Event(String name) {
    }

    /** The asynchronous client the async workers poll. */
    interface Client {
        CompletionStage<Void> pollAsync();
    }

    /** Where handed-back orders are kept. */
    static final class Backlog {
        final List<Order> saved = new CopyOnWriteArrayList<>();

        void saveAll(List<Order> items) {
            saved.addAll(items);
        }
    }

    final Client client = () -> CompletableFuture.completedFuture(null);
    final Backlog backlog = new Backlog();
    final Order order = new Order("A-1");
    final List<Order> shipped = new CopyOnWriteArrayList<>();
    final List<List<Event>> stored = new CopyOnWriteArrayList<>();
    volatile int rebuilds;

    void ship(Order order) {
        shipped.add(order);
    }

    void rebuildCache() {
        rebuilds++;
    }

    void store(List<Event> list) {
        stored.add(list);
    }

    /** "The kinds": one worker of each. */
    void theKinds(TaskSupervisor supervisor) {
        IntervalWorker heartbeat = new IntervalWorker(supervisor, "heartbeat", Duration.ofSeconds(5),
                WorkerTarget.of(() -> log.info("alive")));
        heartbeat.setInitialDelay(Duration.ofSeconds(2));     // optional: the first run 2 s after start
        heartbeat.start();

        QueueWorker<Order> orders = new QueueWorker<>(supervisor, "orders", WorkerTarget.of(order -> ship(order)));
        orders.setCapacity(10_000);                           // optional: bounded
        orders.start();
        orders.put(order);                                    // or put(order, Duration.ofSeconds(1)) to wait for space (throws InterruptedException)

        EventWorker refresh = new EventWorker(supervisor, "refresh", WorkerTarget.of(() -> rebuildCache()));
        refresh.start();
        supervisor.trigger("refresh");                        // look-up by name: getWorker, findWorker, getQueueWorker, trigger

        QueueWorker<Event> batches = QueueWorker.batched(supervisor, "events", 100, WorkerTarget.of(list -> store(list)));
        ContinuousWorker poller = new ContinuousWorker(supervisor, "poller",
                WorkerTarget.async((none, ctx) -> client.pollAsync()));     // runs on the default aloop
        batches.start();
        batches.put(new Event("started"));
    }

    /** "WorkerContext": an async target that waits on its aloop's timer. */
    ContinuousWorker workerContext(TaskSupervisor supervisor) {
        ContinuousWorker poller = new ContinuousWorker(supervisor, "poller", WorkerTarget.async((none, ctx) ->
                ctx.aloop().orElseThrow().sleep(Duration.ofSeconds(1)).thenCompose(v -> client.pollAsync())));
        return poller;
    }

    /** "No item is lost": a stop hands back what it could not handle in time. */
    List<?> noItemIsLost(QueueWorker<Order> orders) {
        orders.setUndeliveredHandler(items -> backlog.saveAll(items)); // typed: List<Order>, in queue order
        StopReport report = orders.stop(Duration.ofSeconds(5));
        List<?> back = report.undelivered("orders");         // the same items; also report.undeliveredItems(), by worker
        return back;
    }

    /** Pausing a queue worker: it keeps taking items and holds them until resumed. */
    void pausing(QueueWorker<Order> orders, Order order) {
        orders.pause();                   // the shop is closed: keep taking orders, ship none
        orders.put(order);                // accepted, held
        orders.resume();                  // ships what was held, in order
    }
}
