package dev.tasksupervisor.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The store's contract on a real PostgreSQL server, when one is named by the environment variable
 * {@value #URL_VARIABLE} (or the system property {@value #URL_PROPERTY}), a JDBC URL with its credentials, such as
 * {@code jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres&password=...}. {@code .ci/run} starts a
 * throwaway server and sets it where it can; elsewhere the test is skipped.
 */
@Tag("postgresql")
class PostgreSqlJdbcQueueStoreTests extends JdbcQueueStoreContract {

    static final String URL_VARIABLE = "SUPERVISOR_TEST_POSTGRESQL_URL";
    static final String URL_PROPERTY = "supervisor.test.postgresql.url";

    /** One for the whole class: a Spring transaction joins only on the very DataSource object it was begun on. */
    private static DataSource database;

    @Override
    protected DataSource dataSource() {
        return database();
    }

    /** The server named by the environment, one DataSource for every class; skips the test without one. */
    static synchronized DataSource database() {
        String url = System.getProperty(URL_PROPERTY, System.getenv(URL_VARIABLE));
        assumeTrue(url != null && !url.isBlank(), "no PostgreSQL server: set " + URL_VARIABLE + " to a JDBC URL");
        if (database == null) {
            HikariDataSource pool = new HikariDataSource();
            pool.setJdbcUrl(url);
            pool.setMaximumPoolSize(10);
            pool.setPoolName("postgresql-tests");
            database = pool; // closed with the JVM: every test class of the run shares it
        }
        return database;
    }
}
