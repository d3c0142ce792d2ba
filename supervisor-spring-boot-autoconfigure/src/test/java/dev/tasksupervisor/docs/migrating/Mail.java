package dev.tasksupervisor.docs.migrating;

/** A mail of docs/migrating.md. */
record Mail(String to, String subject) {
}
