package dev.tasksupervisor.sample;

/** An order as {@code POST /orders} receives it. */
public record Order(String id, String item, int quantity) {
}
