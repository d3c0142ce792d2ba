package dev.tasksupervisor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

/** What the store checks when it is built, before any database work; its behaviour is in the contract's subclasses. */
class JdbcQueueStoreTests {

    @Test
    void aDatabaseOtherThanH2OrPostgreSqlIsRefusedWhenTheStoreIsBuilt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new JdbcQueueStore(claimingToBe("MySQL")))
                .withMessage("JdbcQueueStore supports H2 and PostgreSQL, but the DataSource is MySQL: keep durable"
                        + " queues on an H2 or PostgreSQL DataSource (or use an in-memory queue worker)");
    }

    @Test
    void theProductNameIsMatchedWhateverItsCase() {
        assertThat(new JdbcQueueStore(claimingToBe("POSTGRESQL"))).hasToString("JdbcQueueStore[POSTGRESQL]");
        assertThat(new JdbcQueueStore(claimingToBe("h2"))).hasToString("JdbcQueueStore[H2]");
    }

    @Test
    void aNullDataSourceIsRefused() {
        org.assertj.core.api.Assertions.assertThatNullPointerException().isThrownBy(() -> new JdbcQueueStore(null))
                .withMessage("dataSource must not be null");
    }

    /** A DataSource whose connections' metadata name the given product, and that does nothing else. */
    private static DataSource claimingToBe(String productName) {
        DatabaseMetaData metaData = (DatabaseMetaData) Proxy.newProxyInstance(JdbcQueueStoreTests.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class},
                (proxy, method, args) -> method.getName().equals("getDatabaseProductName") ? productName : null);
        Connection connection = (Connection) Proxy.newProxyInstance(JdbcQueueStoreTests.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> method.getName().equals("getMetaData") ? metaData
                        : method.getReturnType() == boolean.class ? false : null);
        return new DataSource() {
            @Override
            public Connection getConnection() {
                return connection;
            }

            @Override
            public Connection getConnection(String username, String password) {
                return connection;
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            @Override
            public <T> T unwrap(Class<T> iface) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }
}
