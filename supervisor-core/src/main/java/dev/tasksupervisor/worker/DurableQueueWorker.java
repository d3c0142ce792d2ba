package dev.tasksupervisor.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.lifecycle.Deadline;
import dev.tasksupervisor.store.ClaimResult;
import dev.tasksupervisor.store.ClaimedItem;
import dev.tasksupervisor.store.PayloadCodec;
import dev.tasksupervisor.store.QueueStore;
import dev.tasksupervisor.store.StoredDeadLetter;

/**
 * A queue worker whose items are kept in a {@link QueueStore} (a database, with {@code supervisor-jdbc}) instead
 * of the JVM's memory: they survive a crash or a deploy, and every instance running a worker of this name on the
 * same store shares them. The target and the {@code put} calls are those of any {@link QueueWorker}; a put
 * stores the item through the {@link PayloadCodec} (a put whose item cannot be written fails there, and stores
 * nothing), and one of the instances runs it.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li><b>At least once.</b> An item leaves the store only after its run succeeded, or when it moves to the
 *       store's dead letters because its {@link #setRetryPolicy retry policy} allows no more runs (a failed
 *       item waiting for its retry waits in the store, not here). An instance that dies mid-run leaves its
 *       items claimed until their {@link #setLease lease} ends; then any instance claims them again, so an item
 *       can run twice, never zero times.</li>
 *   <li><b>Leases are extended</b> every third of the lease while the items claimed are held, so a long run is
 *       not handed to a second instance; an extension that finds the item taken by another instance (this one
 *       was frozen past the lease) logs it, and that item's run is the other instance's.</li>
 *   <li><b>Put order</b> per instance: each claim takes up to {@link #setClaimSize claim size} items in put
 *       order and runs them one after the other. Across instances, items run side by side: no strict order.</li>
 *   <li><b>Stop</b> never loses an item: a graceful stop lets the run in progress finish and releases what was
 *       claimed and not run, at once; a forced stop releases the interrupted item too. Items stay in the store
 *       for the next start or another instance; nothing is undelivered.</li>
 *   <li><b>Puts</b> are accepted in any state (the store keeps the item until some instance runs it); a put
 *       with an {@link #put(Object, String) idempotency key} already stored does nothing.</li>
 *   <li><b>Transactional run</b> ({@link #setTransactional}): the run executes inside a transaction of the
 *       store, and the item's removal commits with it, so for writes in that same database each item takes
 *       effect exactly once; a failed run rolls its writes back before the failure is recorded.</li>
 * </ul>
 *
 * <h2>How it runs</h2>
 * Each start has a {@link Pump}. A wake-up (the start, a put committed through this store or announced by
 * another instance, the poll timer, a resume) hands one drain task to the pool unless one holds the pump
 * already ({@code draining}); the drain claims, runs and settles batches until a claim finds nothing, then
 * gives the pump up and arms the poll timer ({@link #getPollDelay() poll delay}, 1 s unless set: a database is
 * not polled every 10 ms). A wake-up during a drain sets {@code wanted}, which the drain reads after giving the
 * pump up, so none is lost. While a drain holds claimed items a timer extends their leases; it is armed only
 * then. An idle worker holds a subscription and one timer, and no thread.
 *
 * <p>Only sync targets: a run holds its pool thread until the item is settled in the store, so that a crash
 * between the two is the only way to run an item twice.
 *
 * <p>Not for a durable queue: a comparator (the store keeps put order), a capacity (the store is the bound),
 * batches; the in-memory dead letters ({@link #takeDeadLetters()} refuses: they are in the store).
 *
 * <p>Why one long class: it is one worker's public surface (the overrides of every {@link QueueWorker} call
 * that means something else for a stored queue) and its pump, whose wake-up, drain, extension and stop steps
 * share the same three fields and invariants; split up, each part would restate them.
 *
 * @param <T> the item type
 */
public class DurableQueueWorker<T> extends QueueWorker<T> {

    private static final Logger log = LoggerFactory.getLogger(DurableQueueWorker.class);

    /** How long a claim holds an item by default before another instance may claim it. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    /** How many items one claim takes by default. */
    public static final int DEFAULT_CLAIM_SIZE = 10;

    /** How long an idle durable worker waits between looks at its store, unless its poll delay is set. */
    public static final Duration DEFAULT_POLL_DELAY = Duration.ofSeconds(1);

    /** How long after the first of them started the removals of succeeded runs are written at the latest before another run. */
    private static final long COMPLETE_WITHIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** The shortest lease: it is extended every third of itself, on the timer loop and a pool thread. */
    static final Duration MIN_LEASE = Duration.ofMillis(100);

    /** The most items one claim may take. */
    static final int MAX_CLAIM_SIZE = 1000;

    /** How many stored dead letters {@link #getDeadLetters()} reads at most. */
    static final int DEAD_LETTERS_READ = 1000;

    private final QueueStore store;
    private final PayloadCodec<T> codec;
    private final String queue;
    private final String owner;

    private volatile Duration lease = DEFAULT_LEASE;
    private volatile int claimSize = DEFAULT_CLAIM_SIZE;
    private volatile boolean transactional;
    /** {@code null}: the default, which logs each item moved to the dead letters at WARN. */
    private volatile DeadLetterHandler<T> deadLetterHandler;

    /** This start's pump: made by {@link #onStart()} under the life-cycle lock, read anywhere. */
    private volatile Pump pump;

    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    /** Claims begun, numbered: {@link #awaitIdle} waits for an empty claim that began after it was called. */
    private final AtomicLong claimsBegun = new AtomicLong();
    /** The number of the latest claim that found nothing; guarded by {@link #monitor()}, which it notifies. */
    private long lastEmptyClaim = -1;
    /** The depth last read from the store, shown while the store cannot be read. */
    private volatile long lastDepth;
    /** Whether the store failed at the last claim: its failure is logged at WARN once, then its recovery. */
    private volatile boolean storeFailing;

    /**
     * A worker that runs {@code target}, a sync target, once per item stored in {@code store} under the queue
     * named {@code name}.
     *
     * @throws IllegalArgumentException if {@code target} is async
     */
    public DurableQueueWorker(WorkerHost supervisor, String name, WorkerTarget<T> target, QueueStore store,
            PayloadCodec<T> codec) {
        super(supervisor, name, target);
        if (target.isAsync()) {
            throw new IllegalArgumentException("durable queue worker '" + name + "' has an async target: a durable "
                    + "item is settled in its store by the thread that ran it, so give it a sync target (return void "
                    + "or a value, not a CompletionStage)");
        }
        this.store = Objects.requireNonNull(store, "store");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.queue = name;
        this.owner = ownerName(name);
    }

    /** For subclasses that override {@link #run(Object, WorkerContext)} with a sync run. */
    protected DurableQueueWorker(WorkerHost supervisor, String name, QueueStore store, PayloadCodec<T> codec) {
        super(supervisor, name, false, 0);
        this.store = Objects.requireNonNull(store, "store");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.queue = name;
        this.owner = ownerName(name);
    }

    /** Who this instance's claims say they are: the process and a random part (two JVMs may share a pid), and the queue. */
    private static String ownerName(String name) {
        String process = "pid " + ProcessHandle.current().pid() + "/"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + "/";
        int room = 200 - process.length();
        return process + (name.length() <= room ? name : name.substring(0, room));
    }

    // ------------------------------------------------------------------ settings

    /**
     * How long a claim holds an item before another instance may claim it ({@value #DEFAULT_LEASE_SECONDS} s by
     * default): how soon the items of an instance that died run again. Extended while held, so it need not
     * cover the longest run. From the next claim.
     *
     * @throws InvalidSettingException unless at least 100 ms
     */
    public void setLease(Duration lease) {
        if (lease == null || lease.compareTo(MIN_LEASE) < 0) {
            throw InvalidSettingException.inRange(owner(), "lease", lease, MIN_LEASE, null, "set it to how long "
                    + "another instance should wait before it runs the items of an instance that died, such as 30s");
        }
        this.lease = lease;
    }

    /** How long a claim holds an item; see {@link #setLease}. */
    public Duration getLease() {
        return lease;
    }

    /**
     * How many items one claim takes (10 by default): more costs fewer round trips to the store, and holds more
     * items away from the other instances while this one runs them. From the next claim.
     *
     * @throws InvalidSettingException unless between 1 and 1000
     */
    public void setClaimSize(int items) {
        if (items < 1 || items > MAX_CLAIM_SIZE) {
            throw InvalidSettingException.inRange(owner(), "claim size", items, 1, MAX_CLAIM_SIZE,
                    "set it to how many items one claim takes, such as 10");
        }
        this.claimSize = items;
    }

    /** How many items one claim takes. */
    public int getClaimSize() {
        return claimSize;
    }

    /**
     * Runs each item inside a transaction of the store that also removes it ({@link QueueStore#inTransaction}),
     * so the run's own writes to that database and the removal commit together, or not at all. Off by default.
     */
    public void setTransactional(boolean transactional) {
        this.transactional = transactional;
    }

    /** Whether each run is in a transaction with its item's removal. */
    public boolean isTransactional() {
        return transactional;
    }

    /** The store this worker keeps its items in. */
    public QueueStore getStore() {
        return store;
    }

    /** The name of the queue in the store: the worker's name. */
    public String getQueueName() {
        return queue;
    }

    /** The owner this instance's claims carry. */
    public String getOwner() {
        return owner;
    }

    /** Refused: a durable queue keeps put order. */
    @Override
    public void setComparator(Comparator<? super T> comparator) {
        if (comparator != null) {
            throw new IllegalArgumentException(owner() + " is durable: its store claims items in put order, so it "
                    + "takes no comparator; use an in-memory queue worker for a priority order");
        }
    }

    /** Refused unless 0: the store holds any number of items, and a put never waits for space. */
    @Override
    public void setCapacity(int capacity) {
        if (capacity != 0) {
            throw new IllegalArgumentException(owner() + " is durable: its items are in the store, which has no "
                    + "capacity to set; leave the capacity at 0");
        }
    }

    /**
     * Receives each item moved to the store's dead letters (after the store has it), for alerting; by default
     * each is logged at WARN. The letter stays in the store either way.
     */
    @Override
    public void setDeadLetterHandler(DeadLetterHandler<T> handler) {
        this.deadLetterHandler = Objects.requireNonNull(handler, "handler");
    }

    /** The worker's own poll delay if set, else {@value #DEFAULT_POLL_DELAY_MILLIS} ms: how often an idle worker looks at its store. */
    @Override
    public Duration getPollDelay() {
        Duration own = ownPollDelay();
        return own != null ? own : DEFAULT_POLL_DELAY;
    }

    private static final long DEFAULT_LEASE_SECONDS = 30;
    private static final long DEFAULT_POLL_DELAY_MILLIS = 1000;

    @Override
    public String getSchedule() {
        return "per item, durable";
    }

    // ------------------------------------------------------------------ putting items

    /**
     * Stores an item; one of the instances running this worker runs it. Accepted in any state. Inside a
     * transaction of the store's database, the item is stored by that transaction and claimable once it commits.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalArgumentException if the codec cannot write the item; nothing was stored
     */
    @Override
    public void put(T item) {
        store(item, null);
    }

    /**
     * Stores an item unless one with {@code idempotencyKey} is stored in this queue already (waiting or running).
     *
     * @return whether the item was stored
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalArgumentException if the codec cannot write the item, or the key is blank
     */
    public boolean put(T item, String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("durable queue worker '" + queue + "': the idempotency key must not "
                    + "be null or blank; use put(item) for an item without a key");
        }
        return store(item, idempotencyKey);
    }

    /** As {@link #put(Object)}: the store never makes a put wait. */
    @Override
    public void put(T item, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        put(item);
    }

    /** As {@link #put(Object)}, returning true: the store never refuses an item for want of space. */
    @Override
    public boolean offer(T item) {
        put(item);
        return true;
    }

    /** As {@link #put(Object)}, returning true. */
    @Override
    public boolean offer(T item, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        put(item);
        return true;
    }

    private boolean store(T item, String idempotencyKey) {
        if (item == null) {
            throw new NullPointerException("durable queue worker '" + queue + "': items must not be null; put a "
                    + "value (an empty Optional or a marker object can stand for nothing)");
        }
        String payload;
        try {
            payload = codec.write(item);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("durable queue worker '" + queue + "' cannot store "
                    + WorkerRuns.describe(item) + ": its codec could not write it (" + e.getMessage() + "); make the "
                    + "item a type the codec can write and read back (for JSON, a record or a bean with a default "
                    + "constructor)", e);
        }
        // The store tells the subscribed pumps once the put is visible (after its transaction commits).
        return store.put(queue, payload, idempotencyKey).isPresent();
    }

    // ------------------------------------------------------------------ what is stored

    /** Items waiting in the store to be claimed (the last figure read, if the store cannot be read now). */
    @Override
    public int getQueueSize() {
        try {
            lastDepth = store.depth(queue);
        } catch (RuntimeException e) {
            log.debug("Durable queue worker '{}' could not read its queue's depth", queue, e);
        }
        return (int) Math.min(Integer.MAX_VALUE, lastDepth);
    }

    /** Items claimed under an unexpired lease, by any instance. */
    public long getInFlightCount() {
        return store.inFlight(queue);
    }

    /** How long the oldest stored item has waited; zero for an empty queue. */
    public Duration getOldestAge() {
        return store.oldestAge(queue);
    }

    /** Items in the store waiting for their retry time, put by any instance. */
    @Override
    public int getRetryingCount() {
        return (int) Math.min(Integer.MAX_VALUE, store.retrying(queue));
    }

    /** Failed runs this instance recorded for a retry since the worker was made. */
    @Override
    public long getRetryCount() {
        return retries.get();
    }

    /** Items this instance moved to the store's dead letters since the worker was made. */
    @Override
    public long getDeadLetterCount() {
        return deadLettered.get();
    }

    /** The dead letters in the store now, whichever instance moved them there. */
    @Override
    public int getDeadLettersKeptCount() {
        return (int) Math.min(Integer.MAX_VALUE, store.deadLetterCount(queue));
    }

    /**
     * Up to 1,000 of the store's dead letters, the oldest first, each read back through the codec (a letter it
     * cannot read is left out: {@link #getStoredDeadLetters} has them all as text). The error is the stored
     * one's type and message, as a {@link StoredFailure}.
     */
    @Override
    public List<DeadLetter<T>> getDeadLetters() {
        List<DeadLetter<T>> letters = new ArrayList<>();
        for (StoredDeadLetter stored : store.deadLetters(queue, DEAD_LETTERS_READ)) {
            T item;
            try {
                item = codec.read(stored.payloadJson());
            } catch (RuntimeException e) {
                continue;
            }
            letters.add(new DeadLetter<>(queue, item, new StoredFailure(stored.errorType(), stored.errorMessage()),
                    stored.attempts(), stored.failedAt()));
        }
        return letters;
    }

    /** Up to {@code limit} (1 to 1,000) of the store's dead letters as stored, the oldest first. */
    public List<StoredDeadLetter> getStoredDeadLetters(int limit) {
        return store.deadLetters(queue, limit);
    }

    /**
     * Puts up to {@code max} (1 to 1,000) of the store's dead letters back, oldest first, each in its old place in
     * put order with its attempts counted from 0: once the cause of their failure is fixed. A letter whose
     * idempotency key is stored again stays a dead letter.
     *
     * @return how many went back
     */
    public int requeueDeadLetters(int max) {
        int moved = store.requeueDeadLetters(queue, max);
        log.info("Durable queue worker '{}': {} dead letter(s) requeued", queue, moved);
        return moved;
    }

    /** Deletes every dead letter of this queue from the store; returns how many. */
    public int deleteDeadLetters() {
        int deleted = store.deleteDeadLetters(queue);
        log.info("Durable queue worker '{}': {} dead letter(s) deleted", queue, deleted);
        return deleted;
    }

    /**
     * Refused: a durable queue's dead letters stay in its store, for every instance to see, until they are
     * requeued or deleted there.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public List<DeadLetter<T>> takeDeadLetters() {
        throw new UnsupportedOperationException("the dead letters of durable queue worker '" + queue + "' stay in "
                + "its store: read them with getDeadLetters(), then requeueDeadLetters(max) or deleteDeadLetters()");
    }

    /** A stored failure, as its type and message: the exception itself did not survive the store. */
    public static final class StoredFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String type;

        StoredFailure(String type, String message) {
            super(message == null ? type : type + ": " + message, null, false, false);
            this.type = type;
        }

        /** The failure's type as stored, such as the exception's class name. */
        public String getType() {
            return type;
        }
    }

    /**
     * Waits until this instance has nothing to run: a claim that began after this call found no item due, and
     * no run is in progress. Items waiting for a retry time later than that are not due, nor are items claimed
     * by other instances. A stopped worker is idle.
     */
    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        Deadline deadline = Deadline.after(timeout);
        Pump current = pump;
        long after = claimsBegun.get();
        if (current != null) {
            wake(current);
        }
        synchronized (monitor()) {
            // A run's end notifies the monitor only in a forced stop; a drain going idle always does.
            while (isActive() ? lastEmptyClaim < after || (current != null && current.draining.get()) || isRunning()
                    : isRunning()) {
                if (deadline.hasPassed()) {
                    return false;
                }
                deadline.waitOn(monitor());
            }
            return true;
        }
    }

    @Override
    public void resume() {
        super.resume();
        Pump current = pump;
        if (current != null) {
            wake(current);
        }
    }

    // ------------------------------------------------------------------ the pump

    /**
     * One start's claiming and running. {@code draining} is held by at most one drain task, which alone claims,
     * runs and settles; {@code wanted} is set by every wake-up and cleared by the drain before each claim;
     * {@code held} is what the drain claimed and has not settled (the drain adds and removes, the extender
     * reads and drops what it lost). {@code poll}, {@code extender} and {@code closed} are guarded by the pump's
     * monitor: once closed (a stop), no timer is armed again.
     */
    private final class Pump {
        final int start;
        final AtomicBoolean draining = new AtomicBoolean();
        volatile boolean wanted;
        final Set<ClaimedItem> held = ConcurrentHashMap.newKeySet();
        private ScheduledFuture<?> poll;
        private ScheduledFuture<?> extender;
        private boolean closed;
        private AutoCloseable subscription;

        Pump(int start) {
            this.start = start;
        }

        /** Whether this pump may claim and run: its start is the current one, ACTIVE, and not paused. */
        boolean runnable() {
            return generation() == start && isActive() && !holdsItems();
        }

        /**
         * Arms the poll timer unless it is armed or the pump closed. The timer disarms itself before it wakes the
         * pump: the drain it starts may end, and re-arm, before the timer task returns.
         */
        synchronized void armPoll() {
            if (!closed && poll == null) {
                poll = timerLoop().schedule(this::polled, getPollDelay());
            }
        }

        private void polled() {
            synchronized (this) {
                poll = null;
            }
            wake(this);
        }

        /** Arms the extender unless it is armed; it disarms itself when it fires (see {@link #fired()}). */
        synchronized void armExtender() {
            if (extender == null) {
                extender = timerLoop().schedule(() -> extendSoon(this), lease.dividedBy(3));
            }
        }

        /**
         * The extender fired: disarmed, before its extensions are handed to the pool, so that the pool task re-arms
         * it (reading the future's own "done" there would race with the timer task's return).
         */
        synchronized void fired() {
            extender = null;
        }

        /** Ends the pump's timers and subscription: the start is stopping. The extender goes on while items are held. */
        void close() {
            AutoCloseable ending;
            synchronized (this) {
                closed = true;
                if (poll != null) {
                    poll.cancel(false);
                }
                ending = subscription;
                subscription = null;
            }
            if (ending != null) {
                try {
                    ending.close();
                } catch (Exception e) {
                    log.debug("Durable queue worker '{}' could not end its store subscription", queue, e);
                }
            }
        }

        synchronized void subscribed(AutoCloseable made) {
            if (closed) {
                try {
                    made.close();
                } catch (Exception e) {
                    log.debug("Durable queue worker '{}' could not end its store subscription", queue, e);
                }
            } else {
                subscription = made;
            }
        }
    }

    @Override
    void onStart() {
        Pump started = new Pump(generation());
        pump = started;
        try {
            started.subscribed(store.subscribe(queue, () -> wake(started)));
        } catch (RuntimeException e) {
            log.warn("Durable queue worker '{}' could not subscribe to its store's notifications ({}): it finds new "
                    + "items by polling every {}", queue, e.toString(), getPollDelay());
        }
        wake(started); // what is stored already
    }

    @Override
    void onStopRequested(int startedIn) {
        Pump current = pump;
        if (current == null || current.start != startedIn) {
            return; // a late call for an earlier start
        }
        current.close();
        idle(startedIn); // settles at once unless a drain holds the pump: then the drain settles it as it ends
    }

    @Override
    boolean hasRunLeft() {
        Pump current = pump;
        return current != null && current.draining.get();
    }

    /** Hands a drain to the pool unless one holds the pump; see {@link Pump}. */
    private void wake(Pump p) {
        p.wanted = true;
        if (!p.runnable() || !p.draining.compareAndSet(false, true)) {
            return;
        }
        try {
            handle().execute(() -> drain(p), false); // no caller's context: the item may come from anywhere
        } catch (RejectedExecutionException e) {
            p.draining.set(false);
            requestStop(); // the pool shuts down
            idle(p.start);
        } catch (RuntimeException | Error e) {
            p.draining.set(false);
            log.error("Durable queue worker '{}' could not hand its drain to the pool; it tries again in {}", queue,
                    getPollDelay(), e);
            p.armPoll();
        }
    }

    /**
     * Claims and runs until a claim finds nothing or the pump may no longer run. The removals of a claim's succeeded
     * runs travel with the next claim ({@link QueueStore#claim(String, int, Duration, String, List)}: one commit for
     * both), or are written on their own when the drain ends.
     */
    private void drain(Pump p) {
        boolean foundNothing = false;
        long claim = -1;
        List<ClaimedItem> completing = new ArrayList<>();
        try {
            while (p.runnable()) {
                p.wanted = false;
                claim = claimsBegun.getAndIncrement();
                List<ClaimedItem> settling = completing;
                completing = new ArrayList<>();
                Set<ClaimedItem> lostBeforeExtension = unhold(p, settling);
                ClaimResult result;
                try {
                    result = store.claim(queue, claimSize, lease, owner, settling);
                } catch (RuntimeException e) {
                    if (!settling.isEmpty()) {
                        notCompleted(settling.size(), e);
                    }
                    storeFailed(e);
                    break;
                }
                reportLost(result.notCompleted(), lostBeforeExtension);
                if (storeFailing) {
                    storeFailing = false;
                    log.info("Durable queue worker '{}' reads its store again", queue);
                }
                if (result.claimed().isEmpty()) {
                    foundNothing = true;
                    break;
                }
                completing = runClaimed(p, result.claimed());
            }
        } finally {
            completeAll(p, completing);
            p.draining.set(false);
        }
        if (foundNothing) {
            synchronized (monitor()) {
                lastEmptyClaim = claim;
                monitor().notifyAll(); // awaitIdle callers; at most once per poll delay while idle
            }
        }
        if (p.wanted && p.runnable()) {
            wake(p); // a wake-up came while this drained: a new claim may find what it announced
        } else if (p.runnable()) {
            p.armPoll();
        } else {
            idle(p.start); // stopping (or paused, or stopped: then this does nothing)
        }
    }

    private void storeFailed(RuntimeException e) {
        if (!storeFailing) {
            storeFailing = true;
            log.warn("Durable queue worker '{}' cannot claim items from its store ({}); it tries again every {}",
                    queue, e.toString(), getPollDelay(), e);
        } else {
            log.debug("Durable queue worker '{}' still cannot claim items", queue, e);
        }
    }

    /**
     * Runs a claimed batch in put order; what it could not run (a stop, a pause) is released. A succeeded run's item
     * is not removed at once: the removals are written together, with the next claim (see {@link #drain}), or here
     * before a run once {@link #COMPLETE_WITHIN_NANOS} have passed since the first of them started: quick runs share
     * a commit, and a worker whose runs are slow removes each item before its next run. Until then they stay held
     * (their leases extended): a crash runs them again, at least once, as it would the claim's other items.
     *
     * @return the items whose runs succeeded and that are still to be removed, still held
     */
    private List<ClaimedItem> runClaimed(Pump p, List<ClaimedItem> batch) {
        p.held.addAll(batch);
        p.armExtender();
        List<ClaimedItem> succeeded = new ArrayList<>(batch.size());
        long firstSucceededStart = 0;
        try {
            for (ClaimedItem claimed : batch) {
                if (!p.runnable()) {
                    break;
                }
                if (!p.held.contains(claimed)) {
                    continue; // its lease ended before an extension, and another instance took it
                }
                long started = System.nanoTime();
                if (!succeeded.isEmpty() && started - firstSucceededStart >= COMPLETE_WITHIN_NANOS) {
                    completeAll(p, succeeded);
                    started = System.nanoTime();
                }
                if (runOne(p, claimed)) {
                    if (succeeded.isEmpty()) {
                        firstSucceededStart = started;
                    }
                    succeeded.add(claimed);
                }
            }
        } finally {
            Set<ClaimedItem> toComplete = new HashSet<>(succeeded);
            for (ClaimedItem left : batch) {
                if (!toComplete.contains(left) && p.held.remove(left)) {
                    settle(() -> store.release(left), left, "release");
                }
            }
        }
        return succeeded;
    }

    /**
     * Runs one claimed item and settles it, except a succeeded plain run: that returns true, and its caller
     * completes it with others.
     */
    private boolean runOne(Pump p, ClaimedItem claimed) {
        T item;
        try {
            item = codec.read(claimed.payloadJson());
        } catch (RuntimeException e) {
            p.held.remove(claimed);
            log.warn("Durable queue worker '{}' cannot read item {} back ({}): it moves to the dead letters without a "
                    + "run, since no retry could read it either", queue, claimed.id(), e.toString());
            deadLetter(claimed, null, e);
            return false;
        }
        if (transactional) {
            runInTransaction(p, claimed, item);
            return false;
        }
        WorkerRuns.Outcome outcome = runs().runSync(item, p.start, 0);
        switch (outcome) {
            case GO_ON, STOP -> {
                return true;
            }
            case FAILED -> {
                p.held.remove(claimed); // before settling: the extender no longer touches it
                failed(p, claimed, item, runs().lastFailure());
            }
            default -> {
                p.held.remove(claimed);
                settle(() -> store.release(claimed), claimed, "release");
            }
        }
        return false;
    }

    /** What a transactional run's transaction rolls back for: the run failed, or the claim was lost. */
    private static final class RollBack extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final transient WorkerRuns.Outcome outcome;

        RollBack(WorkerRuns.Outcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    private void runInTransaction(Pump p, ClaimedItem claimed, T item) {
        try {
            store.inTransaction(() -> {
                WorkerRuns.Outcome ran = runs().runSync(item, p.start, 0);
                p.held.remove(claimed);
                if (ran != WorkerRuns.Outcome.GO_ON && ran != WorkerRuns.Outcome.STOP) {
                    throw new RollBack(ran);
                }
                if (!store.complete(claimed)) {
                    throw new RollBack(null); // another instance runs it now: its writes, not these, will count
                }
                return ran;
            });
        } catch (RollBack rolledBack) {
            if (rolledBack.outcome == null) {
                log.warn("Durable queue worker '{}' lost its claim on item {} during its run (the lease ended before "
                        + "an extension): the run's writes were rolled back, and the instance holding it now runs it",
                        queue, claimed.id());
            } else if (rolledBack.outcome == WorkerRuns.Outcome.FAILED) {
                failed(p, claimed, item, runs().lastFailure());
            } else {
                settle(() -> store.release(claimed), claimed, "release");
            }
            return;
        } catch (Exception e) {
            p.held.remove(claimed);
            log.error("Durable queue worker '{}' could not commit the run of item {} ({}): it stays claimed until its "
                    + "lease ends, and runs again then", queue, claimed.id(), e.toString(), e);
            return;
        }
    }

    /** Deletes the items whose runs succeeded, and empties the list; see {@link #runClaimed}. */
    private void completeAll(Pump p, List<ClaimedItem> succeeded) {
        if (succeeded.isEmpty()) {
            return;
        }
        Set<ClaimedItem> lostBeforeExtension = unhold(p, succeeded);
        List<ClaimedItem> settling = List.copyOf(succeeded);
        succeeded.clear();
        try {
            reportLost(store.completeAll(settling), lostBeforeExtension);
        } catch (RuntimeException e) {
            notCompleted(settling.size(), e);
        }
    }

    /**
     * Stops extending the leases of items about to be removed (the extender no longer touches them), and returns
     * those the extender had found lost already.
     */
    private Set<ClaimedItem> unhold(Pump p, List<ClaimedItem> items) {
        Set<ClaimedItem> lostBeforeExtension = new HashSet<>();
        for (ClaimedItem claimed : items) {
            if (!p.held.remove(claimed)) {
                lostBeforeExtension.add(claimed);
            }
        }
        return lostBeforeExtension;
    }

    private void reportLost(List<ClaimedItem> notCompleted, Set<ClaimedItem> lostBeforeExtension) {
        for (ClaimedItem claimed : notCompleted) {
            log.warn("Durable queue worker '{}' ran item {}, but its lease had ended{} and another instance claimed it: "
                    + "it may run again there (at least once)", queue, claimed.id(),
                    lostBeforeExtension.contains(claimed) ? " before an extension" : "");
        }
    }

    private void notCompleted(int items, RuntimeException e) {
        log.error("Durable queue worker '{}' could not remove {} item(s) whose runs succeeded from its store ({}): "
                + "they stay claimed until their leases end, and run again then", queue, items, e.toString(), e);
    }

    private void failed(Pump p, ClaimedItem claimed, T item, Throwable error) {
        if (startEnded(p.start)) {
            // A forced stop interrupted the run: not the item's failure. It runs again, here or elsewhere.
            settle(() -> store.release(claimed), claimed, "release");
            return;
        }
        int attempts = claimed.attempts() + 1;
        RetryPolicy policy = getRetryPolicy();
        if (policy.retries(error, attempts)) {
            Instant retryAt = Instant.now().plusNanos(policy.delayNanos(attempts));
            if (Boolean.TRUE.equals(settle(() -> store.fail(claimed, errorType(error), error.getMessage(), retryAt),
                    claimed, "record the failure of"))) {
                retries.incrementAndGet();
            }
            return;
        }
        deadLetter(claimed, item, error);
    }

    private void deadLetter(ClaimedItem claimed, T item, Throwable error) {
        if (!Boolean.TRUE.equals(settle(() -> store.fail(claimed, errorType(error), error.getMessage(), null),
                claimed, "move to the dead letters"))) {
            return;
        }
        deadLettered.incrementAndGet();
        DeadLetterHandler<T> handler = deadLetterHandler;
        if (handler == null || item == null) {
            log.warn("Durable queue worker '{}' moved item {} to its store's dead letters after {} attempt(s): {}",
                    queue, claimed.id(), claimed.attempts() + 1, error.toString());
            return;
        }
        try {
            handler.handle(new DeadLetter<>(queue, item, error, claimed.attempts() + 1, Instant.now()));
        } catch (Exception e) {
            log.error("The dead-letter handler of durable queue worker '{}' failed for item {} (it is in the store's "
                    + "dead letters)", queue, claimed.id(), e);
        }
    }

    private static String errorType(Throwable error) {
        return error.getClass().getName();
    }

    /** One store call for a claimed item; a store that fails leaves the item claimed until its lease ends. */
    private Boolean settle(java.util.function.BooleanSupplier call, ClaimedItem claimed, String what) {
        try {
            return call.getAsBoolean();
        } catch (RuntimeException e) {
            log.error("Durable queue worker '{}' could not {} item {} in its store ({}): it stays claimed until its "
                    + "lease ends, and runs again then", queue, what, claimed.id(), e.toString(), e);
            return null;
        }
    }

    /** The extender's timer: extends the held leases on a pool thread (a database call must not block the timer loop). */
    private void extendSoon(Pump p) {
        p.fired();
        if (p.held.isEmpty()) {
            return;
        }
        try {
            handle().execute(() -> {
                extendHeld(p);
                if (!p.held.isEmpty()) {
                    p.armExtender();
                }
            }, false);
        } catch (RuntimeException e) {
            log.warn("Durable queue worker '{}' could not extend its leases ({}): its held items may be claimed by "
                    + "another instance when their leases end", queue, e.toString());
        }
    }

    private void extendHeld(Pump p) {
        Duration length = lease;
        for (ClaimedItem claimed : p.held) {
            boolean extended;
            try {
                extended = store.extend(claimed, length);
            } catch (RuntimeException e) {
                log.warn("Durable queue worker '{}' could not extend the lease of item {} ({})", queue, claimed.id(),
                        e.toString());
                continue;
            }
            if (!extended && p.held.remove(claimed)) {
                log.warn("Durable queue worker '{}' lost item {}: its lease ended before it could be extended (was "
                        + "this instance frozen, or the store slow?) and another instance claimed it", queue,
                        claimed.id());
            }
        }
    }
}
