package dev.tasksupervisor.docs.durable;

/** The item of the durable queue in docs/durable-queues.md. */
record Invoice(String orderId, long cents) {
}
