package dev.tasksupervisor.lock;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Tag;

/**
 * The cluster test against a real PostgreSQL server, when one is named by the environment variable
 * {@value #URL_VARIABLE} (or the system property {@value #URL_PROPERTY}), a JDBC URL with its credentials,
 * such as {@code jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres&password=...}. {@code .ci/run} starts a
 * throwaway server and sets it where it can; elsewhere the test is skipped.
 */
@Tag("postgresql")
class PostgreSqlClusterLockTests extends ClusterLockContract {

    static final String URL_VARIABLE = "SUPERVISOR_TEST_POSTGRESQL_URL";
    static final String URL_PROPERTY = "supervisor.test.postgresql.url";

    @Override
    protected String jdbcUrl() {
        String url = System.getProperty(URL_PROPERTY, System.getenv(URL_VARIABLE));
        assumeTrue(url != null && !url.isBlank(), "no PostgreSQL server: set " + URL_VARIABLE + " to a JDBC URL");
        return url;
    }
}
