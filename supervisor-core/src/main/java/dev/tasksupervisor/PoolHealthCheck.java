package dev.tasksupervisor;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.pool.PoolInfo;

/**
 * Probes the pool every {@code checkInterval} with a no-op task. A probe that has not started after
 * {@code checkTimeout} means every thread is busy and tasks queue up: the pool is saturated. That is
 * logged once at ERROR and shown in {@link PoolInfo#saturated()} until a probe starts in time again.
 *
 * <p>Ticks and timeouts run on the supervisor's own loop, probes on a pool thread; the mutable state
 * is guarded by {@code this}. At most one probe is outstanding: a probe still queued at the next tick
 * is not joined by another.
 */
final class PoolHealthCheck {

    private static final Logger log = LoggerFactory.getLogger(PoolHealthCheck.class);

    private final TaskPool pool;
    private final Aloop loop;
    private Probe outstanding;
    private ScheduledFuture<?> nextTick;
    private boolean stopped;
    private volatile boolean saturated;
    private volatile long lastLatencyNanos = -1;

    PoolHealthCheck(TaskPool pool, Aloop loop) {
        this.pool = pool;
        this.loop = loop;
    }

    synchronized void start() {
        scheduleTick();
    }

    synchronized void stop() {
        stopped = true;
        if (nextTick != null) {
            nextTick.cancel(false);
        }
    }

    private void scheduleTick() {
        try {
            nextTick = loop.schedule(this::tick, pool.settings().checkInterval());
        } catch (RejectedExecutionException e) {
            stopped = true; // the supervisor is stopping
        }
    }

    private synchronized void tick() {
        if (stopped) {
            return;
        }
        if (outstanding == null) {
            Probe probe = new Probe(System.nanoTime());
            try {
                pool.executeProbe(probe);
                outstanding = probe;
                loop.schedule(() -> overdue(probe), pool.settings().checkTimeout());
            } catch (RejectedExecutionException e) {
                return; // the pool is stopping: no more ticks
            }
        }
        scheduleTick();
    }

    private synchronized void overdue(Probe probe) {
        if (outstanding != probe || saturated) {
            return;
        }
        saturated = true;
        PoolInfo info = pool.info();
        log.error("{}: a probe task has waited {} ms for a thread: the pool is saturated ({} of {} threads busy, "
                + "{} tasks queued); consider increasing the pool size", pool.name(),
                Duration.ofNanos(System.nanoTime() - probe.sentAt).toMillis(), info.active(), info.maxSize(),
                info.queued());
    }

    private synchronized void started(Probe probe, long latencyNanos) {
        lastLatencyNanos = latencyNanos;
        if (outstanding == probe) {
            outstanding = null;
        }
        if (saturated && latencyNanos <= pool.settings().checkTimeout().toNanos()) {
            saturated = false;
            log.info("{}: the pool is no longer saturated (probe started after {} ms)", pool.name(),
                    Duration.ofNanos(latencyNanos).toMillis());
        }
    }

    boolean saturated() {
        return saturated;
    }

    /** How long the last probe that started waited for a thread; {@code null} before the first one. */
    Duration lastLatency() {
        long nanos = lastLatencyNanos;
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }

    /** A no-op task that reports how long it waited for a thread. */
    private final class Probe implements Runnable {
        private final long sentAt;

        Probe(long sentAt) {
            this.sentAt = sentAt;
        }

        @Override
        public void run() {
            started(this, System.nanoTime() - sentAt);
        }
    }
}
