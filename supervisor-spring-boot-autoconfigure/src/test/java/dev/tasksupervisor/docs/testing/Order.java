package dev.tasksupervisor.docs.testing;

/** The orders of docs/testing.md. */
record Order(String id, String item, int quantity) {
}
