package dev.tasksupervisor.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.WorkerContext;

/**
 * A queue worker: ships each order put into its queue by {@code POST /orders}, one after another, and hands its
 * invoice to the durable {@code invoice} worker (keyed by the order, so an order shipped twice is invoiced once).
 */
@Component
public class Shipping {

    private static final Logger log = LoggerFactory.getLogger(Shipping.class);

    private final AuditTrail audit;
    private final DurableQueueWorker<Invoice> invoices;
    private final List<String> shipped = new CopyOnWriteArrayList<>();

    Shipping(AuditTrail audit, @Qualifier("invoice") DurableQueueWorker<Invoice> invoices) {
        this.audit = audit;
        this.invoices = invoices;
    }

    @Worker(queue = true, queueCapacity = 1000)
    void ship(Order order, WorkerContext context) {
        log.info("Shipping order {}: {} x {} (worker '{}', {} more queued)", order.id(), order.quantity(), order.item(),
                context.name(), context.worker().getQueueSize());
        shipped.add(order.id());
        audit.record("order " + order.id() + " shipped");
        invoices.put(new Invoice(order.id(), order.item(), order.quantity()), "order-" + order.id());
    }

    /** The ids of the orders shipped so far, oldest first. */
    public List<String> shipped() {
        return List.copyOf(shipped);
    }
}
