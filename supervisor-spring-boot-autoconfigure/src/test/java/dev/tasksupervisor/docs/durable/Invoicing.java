package dev.tasksupervisor.docs.durable;

import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;

/** docs/durable-queues.md: a durable queue worker. */
@Component
class Invoicing {

    @Worker(durable = true)                 // items in the application's database, shared by every instance
    void invoice(Invoice invoice) {
        // send it; throw to have it retried by its retry policy, then kept in the dead letters
    }
}
