package dev.tasksupervisor.docs.readme;

/** The README's order. */
record Order(String id, String item, int quantity) {
}
