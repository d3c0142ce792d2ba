package dev.tasksupervisor.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears the puts of every instance on a PostgreSQL database: a put sends {@code NOTIFY supervisor_queue, '<queue>'}
 * in its transaction (PostgreSQL delivers it at the commit, and never for a rollback), and this listener, on one
 * connection of its own that has run {@code LISTEN supervisor_queue}, hands each notice's queue name to the store,
 * which wakes that queue's subscribers at once instead of at their next poll.
 *
 * <p>One daemon thread, {@code supervisor_jdbc_listen}, per store, started by the first subscription and ended by
 * {@link #close()}: it holds its connection, waits in the driver for notices (no busy loop), and when the connection
 * fails, says so once, waits a second and listens again; meanwhile the workers poll, so nothing is lost, only later.
 * Thread safety: {@code closed} is written by {@link #close()} and read by the thread.
 */
final class PostgreSqlNotifications implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgreSqlNotifications.class);

    /** The channel every durable queue's puts are announced on; the payload is the queue's name. */
    static final String CHANNEL = "supervisor_queue";

    /** How long one wait for notices lasts before the thread looks whether it was closed. */
    private static final int WAIT_MILLIS = 1000;
    /** How long the thread waits before listening again after its connection failed. */
    private static final long RETRY_MILLIS = 1000;

    private final DataSource dataSource;
    private final Consumer<String> onPut;
    private final Thread thread;
    private volatile boolean closed;
    /** Whether the thread has run LISTEN on its current connection: notices of commits from now on reach it. */
    private volatile boolean listening;

    PostgreSqlNotifications(DataSource dataSource, Consumer<String> onPut) {
        this.dataSource = dataSource;
        this.onPut = onPut;
        this.thread = new Thread(this::listen, "supervisor_jdbc_listen");
        this.thread.setDaemon(true); // a listener must never keep the JVM alive
    }

    void start() {
        thread.start();
    }

    private void listen() {
        boolean failing = false;
        while (!closed) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                if (failing) {
                    log.info("Durable queues listen to PostgreSQL's notices again");
                    failing = false;
                }
                PGConnection notices = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] received = notices.getNotifications(WAIT_MILLIS);
                    if (received != null) {
                        for (PGNotification notice : received) {
                            onPut.accept(notice.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed) {
                    return;
                }
                if (!failing) {
                    failing = true;
                    log.warn("Durable queues cannot listen to PostgreSQL's notices ({}): workers find items put by "
                            + "other instances at their poll delay until it works again", e.toString());
                }
                try {
                    Thread.sleep(RETRY_MILLIS); // a pause before reconnecting, not a wait for anything
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Whether notices of commits from now on reach this listener (for tests, which must not race its LISTEN). */
    boolean isListening() {
        return listening && !closed;
    }

    /** Ends the thread: it gives its connection back within a second. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
