package dev.tasksupervisor.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;

/**
 * A durable queue worker: the invoice of each shipped order waits in the application's database (an embedded H2
 * one by default, the cluster profile's shared one there) until one of the instances sends it, so a crash between
 * shipping and invoicing loses no invoice, and every instance of the cluster profile shares the queue.
 */
@Component
public class Invoicing {

    private static final Logger log = LoggerFactory.getLogger(Invoicing.class);

    private final List<String> sent = new CopyOnWriteArrayList<>();

    @Worker(durable = true)
    void invoice(Invoice invoice) {
        log.info("Invoicing order {}: {} x {}", invoice.orderId(), invoice.quantity(), invoice.item());
        sent.add(invoice.orderId());
    }

    /** The orders this instance sent an invoice for, oldest first. */
    public List<String> sent() {
        return List.copyOf(sent);
    }
}
