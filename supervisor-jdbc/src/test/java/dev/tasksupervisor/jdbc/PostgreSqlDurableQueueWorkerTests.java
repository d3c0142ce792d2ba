package dev.tasksupervisor.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;

/** The durable queue worker's contract on a real PostgreSQL server, when one is named (see {@link PostgreSqlJdbcQueueStoreTests}). */
@Tag("postgresql")
class PostgreSqlDurableQueueWorkerTests extends DurableQueueWorkerContract {

    @Override
    protected DataSource dataSource() {
        return PostgreSqlJdbcQueueStoreTests.database();
    }
}
