package dev.tasksupervisor.jdbc;

import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The crash tests on H2, served over TCP by this test's JVM so that the instances' JVMs share one in-memory
 * database (as {@code AUTO_SERVER} lets the processes of one machine share a file database).
 */
class H2DurableQueueCrashTests extends DurableQueueCrashContract {

    private static Server server;
    private static String url;
    private static JdbcDataSource database;

    @BeforeAll
    static void startServer() throws SQLException {
        server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        url = "jdbc:h2:tcp://localhost:" + server.getPort() + "/mem:crash-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        database = new JdbcDataSource();
        database.setURL(url);
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @Override
    protected String url() {
        return url;
    }

    @Override
    protected DataSource dataSource() {
        return database;
    }
}
