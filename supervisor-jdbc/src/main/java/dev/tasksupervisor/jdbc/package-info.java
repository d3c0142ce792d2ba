/**
 * Durable queues on JDBC: {@link dev.tasksupervisor.jdbc.JdbcQueueStore} keeps the items of named queues in the
 * application's database (H2 or PostgreSQL), so that they survive a crash or a deploy and can be claimed by any
 * instance, with leases, idempotency keys and dead letters. Items are JSON text here; mapping them to objects,
 * and running them in a queue worker, belong to the layers above.
 */
package dev.tasksupervisor.jdbc;
