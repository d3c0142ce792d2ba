/**
 * Where a durable queue worker keeps its items: the {@link dev.tasksupervisor.store.QueueStore} contract (put,
 * claim under a lease, complete, extend, release, fail), the {@link dev.tasksupervisor.store.ClaimedItem} a claim
 * hands out, the {@link dev.tasksupervisor.store.StoredDeadLetter}s of items given up on, and the
 * {@link dev.tasksupervisor.store.PayloadCodec} that turns items into the text the store keeps. The core holds no
 * store; {@code supervisor-jdbc}'s {@code JdbcQueueStore} keeps them in the application's database.
 */
package dev.tasksupervisor.store;
