package dev.tasksupervisor.sample;

/** What the durable {@code invoice} worker sends: one per order shipped, kept in the database until sent. */
public record Invoice(String orderId, String item, int quantity) {
}
