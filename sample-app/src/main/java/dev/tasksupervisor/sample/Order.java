package dev.tasksupervisor.sample;

/**
 * An order as {@code POST /orders} receives it; {@code quantity} is an {@code Integer} so that an order without
 * one is told so, rather than read as 0. {@link SampleController} checks it before it is queued.
 */
public record Order(String id, String item, Integer quantity) {
}
