package dev.tasksupervisor.sample;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.WorkerInfo;

/** The REST side: feeds the queue worker, triggers the event worker, and shows the workers. */
@RestController
public class SampleController {

    private final TaskSupervisor supervisor;
    private final Shipping shipping;

    SampleController(TaskSupervisor supervisor, Shipping shipping) {
        this.supervisor = supervisor;
        this.shipping = shipping;
    }

    /** Queues an order for the {@code ship} worker and answers at once. */
    @PostMapping("/orders")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> order(@RequestBody Order order) {
        Order withId = order.id() != null ? order : new Order(UUID.randomUUID().toString(), order.item(), order.quantity());
        supervisor.getQueueWorker("ship", Order.class).put(withId);
        return Map.of("queued", withId.id());
    }

    /** The orders shipped so far. */
    @GetMapping("/orders/shipped")
    List<String> shipped() {
        return shipping.shipped();
    }

    /** Triggers the {@code refreshCache} event worker. */
    @PostMapping("/cache/refresh")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> refreshCache() {
        supervisor.trigger("refreshCache");
        return Map.of("triggered", "refreshCache");
    }

    /** Every worker: kind, state, schedule, runs, failures, queue size. */
    @GetMapping("/workers")
    List<WorkerInfo> workers() {
        return supervisor.info().workers();
    }
}
