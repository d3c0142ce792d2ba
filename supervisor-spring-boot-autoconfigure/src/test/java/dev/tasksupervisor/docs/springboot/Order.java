package dev.tasksupervisor.docs.springboot;

/** The orders of docs/spring-boot.md. */
record Order(String id, String item, int quantity) {
}
