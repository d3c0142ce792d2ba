package dev.tasksupervisor.jdbc;

import java.util.UUID;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;

/** The durable queue worker's contract on an embedded H2 database, which every build has. */
class H2DurableQueueWorkerTests extends DurableQueueWorkerContract {

    private static final JdbcDataSource DATABASE = new JdbcDataSource();

    static {
        DATABASE.setURL("jdbc:h2:mem:durable-worker-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Override
    protected DataSource dataSource() {
        return DATABASE;
    }
}
