/** A runnable Spring Boot application with a worker of every kind, to try the starter. */
package dev.tasksupervisor.sample;
