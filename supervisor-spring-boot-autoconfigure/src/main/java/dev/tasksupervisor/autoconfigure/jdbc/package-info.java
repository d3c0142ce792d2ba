/**
 * Durable queues on the application's database: the {@code JdbcQueueStore} bean that {@code @Worker(durable = true)}
 * workers keep their items in, and its schema, created per {@code supervisor.jdbc.initialize-schema}.
 */
package dev.tasksupervisor.autoconfigure.jdbc;
