package dev.tasksupervisor.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tasksupervisor.store.ClaimResult;
import dev.tasksupervisor.store.ClaimedItem;
import dev.tasksupervisor.store.QueueStore;
import dev.tasksupervisor.store.StoredDeadLetter;

/**
 * Durable queues in the application's database (H2 or PostgreSQL): items put on a named queue stay stored until a
 * claimer completes them or they move to the dead letters, so they survive a crash and can be claimed by any
 * instance sharing the database.
 *
 * <h2>An item's life</h2>
 * <pre>
 *   put -&gt; WAITING --claim--&gt; CLAIMED(owner, lease) --complete--&gt; gone
 *                      ^               |  extend: a later end of lease
 *                      |               |
 *                      +-- release ----+  (claimable again at once)
 *                      +-- fail(retryAt) -+  (attempts + 1, claimable again at retryAt)
 *                      +-- the lease ends -+  (claimable again; the next claim takes it over)
 *                                       fail(no retryAt) --&gt; DEAD LETTER (attempts + 1, last error)
 * </pre>
 * Each claim hands out a {@link ClaimedItem} whose {@code claimNumber} is the item's count of claims. The
 * invariant the store keeps: <em>only the latest claim of an item may change it</em>. {@link #complete},
 * {@link #extend}, {@link #release} and {@link #fail} act only where the row is still claimed by that owner
 * under that claim number, and otherwise change nothing and return false. So an owner whose lease ended and was
 * claimed by someone else cannot delete, extend or fail what the new owner is running; an owner whose lease ended
 * but was not claimed again still may (nobody else holds the item).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>At least once: an item leaves the store only through {@link #complete} or {@link #fail} without a
 *       retry (to the dead letters). An owner that dies loses its items only until their leases end.</li>
 *   <li>Claimers never hold the same item under unexpired leases: PostgreSQL claims with {@code FOR UPDATE SKIP
 *       LOCKED} in one {@code UPDATE}, H2 selects with {@code FOR UPDATE SKIP LOCKED} and then takes each row
 *       with an {@code UPDATE} that requires it to be claimable still, in one transaction.</li>
 *   <li>Claims come in put order (the item id) within a queue. Items whose put transactions commit out of order
 *       may be claimed out of order, and several claimers run their batches side by side: strict order across
 *       claimers is not promised.</li>
 *   <li>Idempotency keys: a put whose key is already stored in that queue (waiting or claimed) does nothing. A
 *       key becomes free again once its item is completed or moved to the dead letters.</li>
 * </ul>
 *
 * <h2>Clock</h2>
 * Every time (put, end of lease, dead letter, age) is the database's {@code CURRENT_TIMESTAMP}, never the JVM's,
 * so instances whose clocks differ still agree on when a lease ends (as ShedLock's {@code usingDbTime()}). The
 * one exception is the {@code retryAt} given to {@link #fail}: it is compared with the database's clock as is.
 *
 * <h2>Transactions</h2>
 * {@link #put}, {@link #complete}, {@link #release} and {@link #fail} join the caller's Spring transaction on the
 * same {@code DataSource} when there is one (so a put rolls back with it and is claimable only after its commit)
 * and otherwise run in a transaction of their own. {@link #claim} and {@link #extend} always run and commit in a
 * transaction of their own, suspending the caller's: a claim or a longer lease must be seen by the other
 * claimers at once, not at the end of someone's transaction. Do not {@code extend} an item after deleting or
 * changing it in a transaction still open on the same thread: the extension would wait for that transaction's
 * row lock, which the suspended transaction never lets go.
 *
 * <h2>Thread safety</h2>
 * Its settings are fixed once built (the dialect, a {@link JdbcTemplate} and two {@link TransactionTemplate}s, all
 * safe to share), so one store serves every thread; what the queues hold is guarded by the database's row locks.
 * The subscriptions (a concurrent map of copy-on-write lists, read by every put) change under the store's monitor,
 * which also guards the PostgreSQL listener they start and stop.
 *
 * <p>Why one long class: every operation keeps the one invariant above (only the latest claim changes an item)
 * in SQL that shares the same columns and the same two transaction templates; split up, each part would restate
 * both.
 */
public final class JdbcQueueStore implements QueueStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JdbcQueueStore.class);

    /** The longest queue name, owner and idempotency key the schema keeps. */
    static final int MAX_NAME_LENGTH = 200;

    /** The most items one claim or one read of the dead letters returns. */
    static final int MAX_BATCH = 1000;

    private static final int MAX_ERROR_TYPE_LENGTH = 500;
    private static final int MAX_ERROR_MESSAGE_LENGTH = 2000;

    private static final String ITEM_COLUMNS = "id, queue_name, payload, idempotency_key, enqueued_at, visible_at,"
            + " claimed_by, claim_count, attempts, last_error_type, last_error_message";

    /** Which row is the given claim: the row must still be claimed by that owner under that claim number. */
    private static final String LATEST_CLAIM = " WHERE id = ? AND claimed_by = ? AND claim_count = ?";

    private static final RowMapper<ClaimedItem> ITEM = (rs, row) -> new ClaimedItem(rs.getLong("id"),
            rs.getString("queue_name"), rs.getString("payload"), rs.getString("idempotency_key"),
            instant(rs, "enqueued_at"), instant(rs, "visible_at"), rs.getString("claimed_by"),
            rs.getInt("claim_count"), rs.getInt("attempts"), rs.getString("last_error_type"),
            rs.getString("last_error_message"));

    private static final RowMapper<StoredDeadLetter> DEAD_LETTER = (rs, row) -> new StoredDeadLetter(rs.getLong("id"),
            rs.getString("queue_name"), rs.getString("payload"), rs.getString("idempotency_key"),
            instant(rs, "enqueued_at"), instant(rs, "failed_at"), rs.getInt("attempts"), rs.getString("error_type"),
            rs.getString("error_message"));

    private final DataSource dataSource;
    private final Dialect dialect;
    private final JdbcTemplate jdbc;
    /** Joins the caller's transaction on the DataSource, or runs one of its own. */
    private final TransactionTemplate joining;
    /** Always a transaction of its own, committed before the call returns. */
    private final TransactionTemplate own;
    /** Who hears of puts through this store, per queue: {@link #subscribe}. */
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();
    /**
     * On PostgreSQL, what hears the puts of every instance ({@link PostgreSqlNotifications}) while anyone subscribes;
     * null otherwise. Typed as AutoCloseable so that an application on H2 never loads the PostgreSQL driver's types.
     * Guarded by {@code this}, as subscribing and unsubscribing are.
     */
    private AutoCloseable notifications;

    /**
     * A store on the given database, whose product (H2 or PostgreSQL) is read from a connection's metadata now.
     *
     * @throws IllegalArgumentException if the database is neither H2 nor PostgreSQL
     * @throws IllegalStateException if no connection could be had to find out
     */
    public JdbcQueueStore(DataSource dataSource) {
        this(dataSource, new DataSourceTransactionManager(Objects.requireNonNull(dataSource,
                "dataSource must not be null")));
    }

    /**
     * A store on the given database whose transactions are {@code transactions}'s: the application's transaction
     * manager for that {@code DataSource} (a {@code DataSourceTransactionManager}, or a JPA one, which exposes its
     * connection), so that a transactional run's own {@code @Transactional} code joins the run's transaction.
     *
     * @throws IllegalArgumentException if the database is neither H2 nor PostgreSQL
     * @throws IllegalStateException if no connection could be had to find out
     */
    public JdbcQueueStore(DataSource dataSource, PlatformTransactionManager transactions) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
        Objects.requireNonNull(transactions, "transactions must not be null");
        this.dialect = Dialect.of(databaseProductName(dataSource));
        this.jdbc = new JdbcTemplate(dataSource);
        this.joining = new TransactionTemplate(transactions);
        this.own = new TransactionTemplate(transactions);
        this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    private static String databaseProductName(DataSource dataSource) {
        try {
            String name = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
            if (name == null) {
                throw new IllegalArgumentException("JdbcQueueStore: the DataSource's JDBC driver names no database"
                        + " product; use an H2 or PostgreSQL DataSource");
            }
            return name;
        } catch (MetaDataAccessException e) {
            throw new IllegalStateException("JdbcQueueStore could not read which database the DataSource is ("
                    + e.getMessage() + "): check that the database is up and the DataSource's URL and credentials",
                    e);
        }
    }

    /**
     * Creates the store's tables and indexes where they do not exist yet, from the schema for this database on the
     * class path ({@code dev/tasksupervisor/jdbc/schema-h2.sql} or {@code schema-postgresql.sql}); running it again
     * changes nothing. Applications that manage their schema with Flyway or Liquibase copy that file instead.
     */
    public void initializeSchema() {
        new ResourceDatabasePopulator(new ClassPathResource(dialect.schemaLocation(),
                JdbcQueueStore.class.getClassLoader())).execute(dataSource);
    }

    /**
     * Stores an item at the end of a queue, claimable at once (after the commit, inside a transaction).
     *
     * @param queue the queue's name
     * @param payloadJson the item as JSON text, stored as it is
     * @param idempotencyKey null, or a key that makes the put do nothing while an item with that key is stored in
     *        the queue
     * @return the new item's id, or empty if the key was already stored
     */
    @Override
    public OptionalLong put(String queue, String payloadJson, @Nullable String idempotencyKey) {
        requireQueue(queue);
        if (payloadJson == null || payloadJson.isBlank()) {
            throw new IllegalArgumentException("the payload of an item put on queue '" + queue
                    + "' must be JSON text, not null or blank");
        }
        if (idempotencyKey != null) {
            requireName("idempotency key", idempotencyKey, "pass null for an item without a key");
        }
        Long id = joining.execute(status -> dialect == Dialect.POSTGRESQL
                ? insertPostgreSql(queue, payloadJson, idempotencyKey)
                : insertH2(queue, payloadJson, idempotencyKey));
        if (id == null) {
            return OptionalLong.empty();
        }
        announce(queue);
        return OptionalLong.of(id);
    }

    /**
     * On PostgreSQL, announces a put to every instance's listener ({@link PostgreSqlNotifications}), in the put's
     * transaction: PostgreSQL delivers the notice at the commit, and drops it with a rollback.
     */
    private void notifyPut(String queue) {
        jdbc.query("SELECT pg_notify(?, ?)", rs -> null, PostgreSqlNotifications.CHANNEL, queue);
    }

    /**
     * Tells the queue's subscribers of a put once it is visible: at once, or after the commit of the caller's
     * transaction that holds this store's connection (a rollback tells nobody: there is nothing to claim).
     */
    private void announce(String queue) {
        List<Runnable> subscribers = listeners.get(queue);
        if (subscribers == null || subscribers.isEmpty()) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.hasResource(dataSource)) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    tell(queue, subscribers);
                }
            });
        } else {
            tell(queue, subscribers);
        }
    }

    private static void tell(String queue, List<Runnable> subscribers) {
        for (Runnable subscriber : subscribers) {
            try {
                subscriber.run();
            } catch (RuntimeException e) {
                log.warn("A subscriber to queue '{}' failed to take a put's notice", queue, e);
            }
        }
    }

    /**
     * Calls {@code listener} after each put on {@code queue} through this store becomes visible (after its
     * transaction commits), and, on PostgreSQL, after each put by any instance commits: the first subscription
     * starts a listener (one thread and one connection, until the last subscription ends or {@link #close()}) that
     * hears the {@code NOTIFY} every put sends. On H2, puts by other processes are found by polling.
     */
    @Override
    public AutoCloseable subscribe(String queue, Runnable listener) {
        requireQueue(queue);
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            listeners.computeIfAbsent(queue, name -> new CopyOnWriteArrayList<>()).add(listener);
            if (dialect == Dialect.POSTGRESQL && notifications == null) {
                PostgreSqlNotifications listening = new PostgreSqlNotifications(dataSource, this::heard);
                listening.start();
                notifications = listening;
            }
        }
        return () -> unsubscribe(queue, listener);
    }

    private synchronized void unsubscribe(String queue, Runnable listener) {
        listeners.computeIfPresent(queue, (name, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
        if (listeners.isEmpty()) {
            close();
        }
    }

    /** A notice from PostgreSQL: some instance's put on {@code queue} committed. */
    private void heard(String queue) {
        List<Runnable> subscribers = listeners.get(queue);
        if (subscribers != null) {
            tell(queue, subscribers);
        }
    }

    /** Whether a PostgreSQL listener hears the puts of every instance now. */
    synchronized boolean isListening() {
        return notifications instanceof PostgreSqlNotifications listening && listening.isListening();
    }

    /** Ends the PostgreSQL listener, if one runs; subscribing again starts another. */
    @Override
    public synchronized void close() {
        AutoCloseable listening = notifications;
        notifications = null;
        if (listening != null) {
            try {
                listening.close();
            } catch (Exception e) {
                log.debug("The PostgreSQL listener of {} did not close cleanly", this, e);
            }
        }
    }

    /**
     * Runs {@code work} in a transaction of this store's transaction manager (joining the caller's, if any),
     * committing if it returns and rolling back if it throws; {@link #complete} and {@link #fail} inside it join
     * it, as does the application's code on the same {@code DataSource}.
     */
    @Override
    public <R> R inTransaction(Callable<R> work) throws Exception {
        Objects.requireNonNull(work, "work");
        Exception[] checked = new Exception[1];
        R result = joining.execute(status -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e; // rolls back, and passes
            } catch (Exception e) {
                status.setRollbackOnly();
                checked[0] = e;
                return null;
            }
        });
        if (checked[0] != null) {
            throw checked[0];
        }
        return result;
    }

    private @Nullable Long insertPostgreSql(String queue, String payloadJson, @Nullable String idempotencyKey) {
        // ON CONFLICT rather than a caught error: on PostgreSQL an error would abort the caller's transaction.
        // The NOTIFY rides in the same statement (one round trip fewer per put), sent only if a row went in.
        List<Long> ids = jdbc.query("WITH inserted AS (INSERT INTO supervisor_queue_item"
                + " (queue_name, payload, idempotency_key, enqueued_at, visible_at)"
                + " VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                + " ON CONFLICT (queue_name, idempotency_key) DO NOTHING RETURNING id)"
                + " SELECT id, pg_notify(?, ?) FROM inserted", (rs, row) -> rs.getLong(1),
                queue, payloadJson, idempotencyKey, PostgreSqlNotifications.CHANNEL, queue);
        return ids.isEmpty() ? null : ids.get(0);
    }

    private @Nullable Long insertH2(String queue, String payloadJson, @Nullable String idempotencyKey) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        try {
            jdbc.update(connection -> {
                PreparedStatement insert = connection.prepareStatement("INSERT INTO supervisor_queue_item"
                        + " (queue_name, payload, idempotency_key, enqueued_at, visible_at)"
                        + " VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", new String[] {"ID"});
                insert.setString(1, queue);
                insert.setString(2, payloadJson);
                insert.setString(3, idempotencyKey);
                return insert;
            }, keys);
        } catch (DuplicateKeyException keyAlreadyStored) {
            // H2 undoes only the failed statement, so the caller's transaction goes on; caught here, inside the
            // transaction callback, so that it is not marked rollback-only either.
            return null;
        }
        Number id = keys.getKey();
        if (id == null) {
            throw new IllegalStateException("H2 returned no id for the item put on queue '" + queue + "'");
        }
        return id.longValue();
    }

    /**
     * Claims up to {@code max} claimable items of a queue, in put order, each until the database's clock plus
     * {@code lease}, for {@code owner}. No two claimers hold the same item under unexpired leases; an item whose
     * lease ended is claimable again. Runs and commits in a transaction of its own.
     *
     * @param owner who claims, told apart from the other claimers (an instance and worker name, say)
     * @return the claimed items in put order; empty when none is claimable
     */
    @Override
    public List<ClaimedItem> claim(String queue, int max, Duration lease, String owner) {
        requireQueue(queue);
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max (the most items to claim from queue '" + queue
                    + "' at once) must be between 1 and " + MAX_BATCH + ", was " + max);
        }
        long leaseMillis = requireLease(lease);
        requireOwner(owner);
        List<ClaimedItem> items = own.execute(status -> dialect == Dialect.POSTGRESQL
                ? claimPostgreSql(queue, max, leaseMillis, owner)
                : claimH2(queue, max, leaseMillis, owner));
        return items == null ? List.of() : items;
    }

    /**
     * Deletes {@code completing} (each as {@link #complete} would) and claims as {@link #claim(String, int, Duration,
     * String)} does, both in one transaction of its own: the removals of a worker's last claim commit with its next
     * claim.
     */
    @Override
    public ClaimResult claim(String queue, int max, Duration lease, String owner, List<ClaimedItem> completing) {
        Objects.requireNonNull(completing, "completing");
        if (completing.isEmpty()) {
            return new ClaimResult(claim(queue, max, lease, owner), List.of());
        }
        requireQueue(queue);
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max (the most items to claim from queue '" + queue
                    + "' at once) must be between 1 and " + MAX_BATCH + ", was " + max);
        }
        long leaseMillis = requireLease(lease);
        requireOwner(owner);
        completing.forEach(JdbcQueueStore::requireItem);
        ClaimResult result = own.execute(status -> {
            List<ClaimedItem> notCompleted = notDeleted(completing, deleteClaimed(completing));
            List<ClaimedItem> claimed = dialect == Dialect.POSTGRESQL
                    ? claimPostgreSql(queue, max, leaseMillis, owner)
                    : claimH2(queue, max, leaseMillis, owner);
            return new ClaimResult(claimed, notCompleted);
        });
        return Objects.requireNonNull(result, "the claim's transaction returned nothing");
    }

    private List<ClaimedItem> claimPostgreSql(String queue, int max, long leaseMillis, String owner) {
        // One statement: the subquery locks the first claimable rows that no other claim has locked (SKIP LOCKED),
        // and re-checks visible_at on a row's latest version before locking it, so a row another claim took in
        // the meantime is left out. RETURNING gives the rows in no particular order, hence the sort.
        List<ClaimedItem> items = new ArrayList<>(jdbc.query("UPDATE supervisor_queue_item"
                + " SET claimed_by = ?, visible_at = " + dialect.nowPlusMillis() + ", claim_count = claim_count + 1"
                + " WHERE id IN (SELECT id FROM supervisor_queue_item"
                + " WHERE queue_name = ? AND visible_at <= CURRENT_TIMESTAMP ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " RETURNING " + ITEM_COLUMNS, ITEM, owner, leaseMillis, queue, max));
        items.sort(Comparator.comparingLong(ClaimedItem::id));
        return items;
    }

    private List<ClaimedItem> claimH2(String queue, int max, long leaseMillis, String owner) {
        List<Long> candidates = jdbc.queryForList("SELECT id FROM supervisor_queue_item"
                + " WHERE queue_name = ? AND visible_at <= CURRENT_TIMESTAMP ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
                Long.class, queue, max);
        if (candidates.isEmpty()) {
            return List.of();
        }
        // Each row is taken only if it is still claimable: the row locks above already keep other claims away, and
        // this condition keeps the claim correct even where they would not (a row is never taken twice).
        List<Object[]> rows = new ArrayList<>(candidates.size());
        for (Long id : candidates) {
            rows.add(new Object[] {owner, leaseMillis, id});
        }
        int[] taken = jdbc.batchUpdate("UPDATE supervisor_queue_item"
                + " SET claimed_by = ?, visible_at = " + dialect.nowPlusMillis() + ", claim_count = claim_count + 1"
                + " WHERE id = ? AND visible_at <= CURRENT_TIMESTAMP", rows);
        List<Long> claimed = new ArrayList<>(candidates.size());
        for (int i = 0; i < taken.length; i++) {
            if (taken[i] == 1) {
                claimed.add(candidates.get(i));
            }
        }
        if (claimed.isEmpty()) {
            return List.of();
        }
        String ids = claimed.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return jdbc.query("SELECT " + ITEM_COLUMNS + " FROM supervisor_queue_item WHERE id IN (" + ids
                + ") ORDER BY id", ITEM);
    }

    /**
     * Deletes a claimed item: its run succeeded. Only the item's latest claim can: if the lease ended and another
     * owner claimed the item since, nothing is deleted (the other owner runs it again, which is what "at least
     * once" allows) and this returns false. If the lease ended but nobody claimed the item since, it is still
     * deleted. Joins the caller's transaction when there is one, so that the removal commits with the run's
     * writes.
     *
     * @return true if the item was deleted; false if this claim no longer holds it
     */
    @Override
    public boolean complete(ClaimedItem item) {
        requireItem(item);
        return Boolean.TRUE.equals(joining.execute(status -> jdbc.update("DELETE FROM supervisor_queue_item"
                + LATEST_CLAIM, item.id(), item.owner(), item.claimNumber()) == 1));
    }

    /**
     * Deletes claimed items whose runs succeeded, each as {@link #complete} would, in one transaction and one batch
     * of statements: one commit for all of them. Joins the caller's transaction when there is one.
     *
     * @return the items not deleted because their claim no longer holds them, in the order given
     */
    @Override
    public List<ClaimedItem> completeAll(List<ClaimedItem> items) {
        Objects.requireNonNull(items, "items");
        items.forEach(JdbcQueueStore::requireItem);
        if (items.isEmpty()) {
            return List.of();
        }
        return notDeleted(items, joining.execute(status -> deleteClaimed(items)));
    }

    /** One batch of deletes, each of an item's latest claim: how many rows each deleted (1, or 0 if not held). */
    private int[] deleteClaimed(List<ClaimedItem> items) {
        List<Object[]> rows = new ArrayList<>(items.size());
        for (ClaimedItem item : items) {
            rows.add(new Object[] {item.id(), item.owner(), item.claimNumber()});
        }
        return jdbc.batchUpdate("DELETE FROM supervisor_queue_item" + LATEST_CLAIM, rows);
    }

    private static List<ClaimedItem> notDeleted(List<ClaimedItem> items, int @Nullable [] deleted) {
        List<ClaimedItem> notDeleted = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (deleted == null || deleted[i] != 1) {
                notDeleted.add(items.get(i));
            }
        }
        return notDeleted;
    }

    /**
     * Moves the end of a claim's lease to the database's clock plus {@code lease}, so that a long run is not handed
     * to another claimer. Runs and commits in a transaction of its own.
     *
     * @return true if extended; false if this claim no longer holds the item (completed, released, failed, or
     *         claimed by someone else after the lease ended)
     */
    @Override
    public boolean extend(ClaimedItem item, Duration lease) {
        requireItem(item);
        long leaseMillis = requireLease(lease);
        return Boolean.TRUE.equals(own.execute(status -> jdbc.update("UPDATE supervisor_queue_item"
                + " SET visible_at = " + dialect.nowPlusMillis() + LATEST_CLAIM,
                leaseMillis, item.id(), item.owner(), item.claimNumber()) == 1));
    }

    /**
     * Hands a claimed item back, claimable again at once and not counted as an attempt: for a clean stop, where
     * waiting for the lease to end would only delay the item.
     *
     * @return true if released; false if this claim no longer holds the item
     */
    @Override
    public boolean release(ClaimedItem item) {
        requireItem(item);
        return Boolean.TRUE.equals(joining.execute(status -> jdbc.update("UPDATE supervisor_queue_item"
                + " SET claimed_by = NULL, visible_at = CURRENT_TIMESTAMP" + LATEST_CLAIM,
                item.id(), item.owner(), item.claimNumber()) == 1));
    }

    /**
     * Records a failed run of a claimed item, counting the attempt. With {@code retryAt} the item keeps its place
     * in put order and becomes claimable again at that time (compared with the database's clock), with the error
     * as its last one; without it the item moves to the dead letters with this error, where
     * {@link #deadLetters} reads it.
     *
     * @param errorType the failure's type, such as the exception's class name
     * @param message the failure's message, or null; kept up to 2,000 characters
     * @param retryAt when to run the item again, or null for no retry
     * @return true if recorded; false if this claim no longer holds the item (nothing changed)
     */
    @Override
    public boolean fail(ClaimedItem item, String errorType, @Nullable String message, @Nullable Instant retryAt) {
        requireItem(item);
        if (errorType == null || errorType.isBlank()) {
            throw new IllegalArgumentException("the error type of a failed run of item " + item.id() + " of queue '"
                    + item.queue() + "' must not be null or blank: pass the exception's class name, say");
        }
        String type = truncate(errorType, MAX_ERROR_TYPE_LENGTH);
        String text = message == null ? null : truncate(message, MAX_ERROR_MESSAGE_LENGTH);
        if (retryAt != null) {
            return Boolean.TRUE.equals(joining.execute(status -> jdbc.update("UPDATE supervisor_queue_item"
                    + " SET claimed_by = NULL, visible_at = ?, attempts = attempts + 1, last_error_type = ?,"
                    + " last_error_message = ?" + LATEST_CLAIM, OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC),
                    type, text, item.id(), item.owner(), item.claimNumber()) == 1));
        }
        return Boolean.TRUE.equals(joining.execute(status -> {
            // Lock the row first: between reading it and deleting it, no claim (its lease may have ended) may take it.
            List<ClaimedItem> current = jdbc.query("SELECT " + ITEM_COLUMNS + " FROM supervisor_queue_item"
                    + LATEST_CLAIM + " FOR UPDATE", ITEM, item.id(), item.owner(), item.claimNumber());
            if (current.isEmpty()) {
                return false;
            }
            ClaimedItem row = current.get(0);
            jdbc.update("INSERT INTO supervisor_queue_dead_letter (id, queue_name, payload, idempotency_key,"
                    + " enqueued_at, failed_at, attempts, error_type, error_message)"
                    + " VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP, ?, ?, ?)", row.id(), row.queue(), row.payloadJson(),
                    row.idempotencyKey(), OffsetDateTime.ofInstant(row.enqueuedAt(), ZoneOffset.UTC),
                    row.attempts() + 1, type, text);
            jdbc.update("DELETE FROM supervisor_queue_item WHERE id = ?", row.id());
            return true;
        }));
    }

    /** The items of a queue waiting to be claimed: not claimed, waiting for a retry, or whose lease ended. */
    @Override
    public long depth(String queue) {
        requireQueue(queue);
        return count("SELECT COUNT(*) FROM supervisor_queue_item WHERE queue_name = ?"
                + " AND (claimed_by IS NULL OR visible_at <= CURRENT_TIMESTAMP)", queue);
    }

    /** The items of a queue claimed under a lease that has not ended. */
    @Override
    public long inFlight(String queue) {
        requireQueue(queue);
        return count("SELECT COUNT(*) FROM supervisor_queue_item WHERE queue_name = ?"
                + " AND claimed_by IS NOT NULL AND visible_at > CURRENT_TIMESTAMP", queue);
    }

    /** The items of a queue that failed and wait, not claimed, for their retry time. */
    @Override
    public long retrying(String queue) {
        requireQueue(queue);
        return count("SELECT COUNT(*) FROM supervisor_queue_item WHERE queue_name = ? AND claimed_by IS NULL"
                + " AND attempts > 0 AND visible_at > CURRENT_TIMESTAMP", queue);
    }

    /** How long the oldest item stored in a queue (waiting or claimed) has been there; zero when there is none. */
    @Override
    public Duration oldestAge(String queue) {
        requireQueue(queue);
        Duration age = jdbc.queryForObject("SELECT MIN(enqueued_at) AS oldest, CURRENT_TIMESTAMP AS now"
                + " FROM supervisor_queue_item WHERE queue_name = ?", (rs, row) -> {
                    OffsetDateTime oldest = rs.getObject("oldest", OffsetDateTime.class);
                    return oldest == null ? Duration.ZERO : Duration.between(oldest, rs.getObject("now",
                            OffsetDateTime.class));
                }, queue);
        return age == null || age.isNegative() ? Duration.ZERO : age;
    }

    /** The dead letters of a queue. */
    @Override
    public long deadLetterCount(String queue) {
        requireQueue(queue);
        return count("SELECT COUNT(*) FROM supervisor_queue_dead_letter WHERE queue_name = ?", queue);
    }

    /** Up to {@code limit} dead letters of a queue, the oldest item first. */
    @Override
    public List<StoredDeadLetter> deadLetters(String queue, int limit) {
        requireQueue(queue);
        if (limit < 1 || limit > MAX_BATCH) {
            throw new IllegalArgumentException("limit (the most dead letters of queue '" + queue
                    + "' to read at once) must be between 1 and " + MAX_BATCH + ", was " + limit);
        }
        return jdbc.query("SELECT id, queue_name, payload, idempotency_key, enqueued_at, failed_at, attempts,"
                + " error_type, error_message FROM supervisor_queue_dead_letter WHERE queue_name = ?"
                + " ORDER BY id LIMIT ?", DEAD_LETTER, queue, limit);
    }

    /**
     * Puts up to {@code max} (1 to 1,000) dead letters back, oldest first, in one transaction (joining the
     * caller's): each keeps its id, so it takes its old place in put order, is claimable at once, and counts its
     * attempts from 0 again. A letter whose idempotency key is stored in the queue again stays where it is.
     */
    @Override
    public int requeueDeadLetters(String queue, int max) {
        requireQueue(queue);
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max (the most dead letters of queue '" + queue
                    + "' to requeue at once) must be between 1 and " + MAX_BATCH + ", was " + max);
        }
        Integer moved = joining.execute(status -> {
            // Locked, so that two requeues at once do not put one letter back twice.
            List<Long> ids = jdbc.queryForList("SELECT d.id FROM supervisor_queue_dead_letter d WHERE d.queue_name = ?"
                    + " AND NOT EXISTS (SELECT 1 FROM supervisor_queue_item i WHERE i.queue_name = d.queue_name"
                    + " AND i.idempotency_key = d.idempotency_key) ORDER BY d.id LIMIT ? FOR UPDATE", Long.class,
                    queue, max);
            if (ids.isEmpty()) {
                return 0;
            }
            String in = ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
            int inserted = jdbc.update("INSERT INTO supervisor_queue_item (id, queue_name, payload, idempotency_key,"
                    + " enqueued_at, visible_at) SELECT id, queue_name, payload, idempotency_key, enqueued_at,"
                    + " CURRENT_TIMESTAMP FROM supervisor_queue_dead_letter WHERE id IN (" + in + ")");
            jdbc.update("DELETE FROM supervisor_queue_dead_letter WHERE id IN (" + in + ")");
            if (dialect == Dialect.POSTGRESQL) {
                notifyPut(queue);
            }
            return inserted;
        });
        if (moved != null && moved > 0) {
            announce(queue);
        }
        return moved == null ? 0 : moved;
    }

    /** Deletes every dead letter of the queue, joining the caller's transaction; returns how many. */
    @Override
    public int deleteDeadLetters(String queue) {
        requireQueue(queue);
        Integer deleted = joining.execute(status -> jdbc.update("DELETE FROM supervisor_queue_dead_letter"
                + " WHERE queue_name = ?", queue));
        return deleted == null ? 0 : deleted;
    }

    @Override
    public String toString() {
        return "JdbcQueueStore[" + dialect + "]";
    }

    private long count(String sql, String queue) {
        Long count = jdbc.queryForObject(sql, Long.class, queue);
        return count == null ? 0 : count;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        if (time == null) {
            throw new IllegalStateException("the queue table holds no " + column + " for item " + rs.getLong("id"));
        }
        return time.toInstant();
    }

    private static String truncate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    private static void requireQueue(@Nullable String queue) {
        requireName("queue name", queue, "pass the name of the queue the items belong to");
    }

    private static void requireOwner(@Nullable String owner) {
        requireName("owner", owner, "pass a name that tells this claimer from the others, such as the instance"
                + " and worker name");
    }

    private static void requireName(String what, @Nullable String value, String action) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + what + " must not be " + (value == null ? "null" : "blank")
                    + ": " + action);
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("the " + what + " '" + value.substring(0, 40) + "...' is "
                    + value.length() + " characters long; the store keeps at most " + MAX_NAME_LENGTH);
        }
    }

    private static long requireLease(@Nullable Duration lease) {
        if (lease == null || lease.toMillis() < 1) {
            throw new IllegalArgumentException("the lease must be at least 1 ms, was " + lease
                    + ": pass how long a claimer may hold an item before another may claim it");
        }
        return lease.toMillis();
    }

    private static void requireItem(@Nullable ClaimedItem item) {
        if (item == null) {
            throw new IllegalArgumentException("the item must not be null: pass the ClaimedItem a claim returned");
        }
    }
}
