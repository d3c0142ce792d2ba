package dev.tasksupervisor.docs.durable;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.tasksupervisor.worker.DurableQueueWorker;

/** docs/durable-queues.md: a put in the caller's transaction, with an idempotency key. */
@Service
class Checkout {

    private final JdbcTemplate jdbc;
    private final DurableQueueWorker<Invoice> invoices;

    Checkout(JdbcTemplate jdbc, @Qualifier("invoice") DurableQueueWorker<Invoice> invoices) {
        this.jdbc = jdbc;
        this.invoices = invoices;
    }

    @Transactional
    void checkout(String orderId, long cents) {
        jdbc.update("UPDATE orders SET state = 'PAID' WHERE id = ?", orderId);
        // Stored by this transaction: claimable once it commits, never if it rolls back.
        invoices.put(new Invoice(orderId, cents), "invoice-" + orderId);   // false if that key is stored already
    }
}
