package dev.tasksupervisor.jdbc;

import java.util.Locale;

/**
 * The SQL that differs between the databases the store supports. Times are always the database's
 * {@code CURRENT_TIMESTAMP} (the start of the transaction on PostgreSQL; of the statement or transaction on H2),
 * never the JVM's clock, so that instances whose clocks differ agree on when a lease ends.
 */
enum Dialect {

    H2("H2", "schema-h2.sql") {
        @Override
        String nowPlusMillis() {
            return "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)";
        }
    },

    POSTGRESQL("PostgreSQL", "schema-postgresql.sql") {
        @Override
        String nowPlusMillis() {
            return "(CURRENT_TIMESTAMP + CAST(? AS DOUBLE PRECISION) * INTERVAL '1 millisecond')";
        }
    };

    private final String productName;
    private final String schemaFile;

    Dialect(String productName, String schemaFile) {
        this.productName = productName;
        this.schemaFile = schemaFile;
    }

    /** The database clock plus a number of milliseconds given as the one parameter ({@code ?}) of the expression. */
    abstract String nowPlusMillis();

    /** The class path location of this database's schema. */
    String schemaLocation() {
        return "dev/tasksupervisor/jdbc/" + schemaFile;
    }

    /** The dialect of a database product as JDBC's metadata names it, or refuses any other with what to do. */
    static Dialect of(String databaseProductName) {
        for (Dialect dialect : values()) {
            if (dialect.productName.toLowerCase(Locale.ROOT).equals(databaseProductName.toLowerCase(Locale.ROOT))) {
                return dialect;
            }
        }
        throw new IllegalArgumentException("JdbcQueueStore supports H2 and PostgreSQL, but the DataSource is "
                + databaseProductName + ": keep durable queues on an H2 or PostgreSQL DataSource"
                + " (or use an in-memory queue worker)");
    }
}
