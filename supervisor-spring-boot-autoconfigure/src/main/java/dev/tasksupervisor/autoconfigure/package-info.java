/** Spring Boot auto-configuration for the task supervisor. */
package dev.tasksupervisor.autoconfigure;
