package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import dev.tasksupervisor.lifecycle.Deadline;

/**
 * Watches a worker's sync runs for its run timeout, and interrupts one that goes on past it.
 *
 * <p>One timer per worker, armed by a run that begins while none is, and re-armed from its own firing for
 * the run in progress then (at the moment that run would time out); a firing that finds no run lets the
 * timer go. So back-to-back queue items cost two uncontended locks each and no timer of their own, and an
 * idle worker has no timer at all.
 *
 * <p>Runs of one worker never overlap, so there is one runner at a time. {@code runner}, {@code started},
 * {@code fired} and {@code timer} are guarded by {@code this}: the timer interrupts the runner under it, and
 * the runner, ending, clears an interrupt meant for its run under it too, so the interrupt never outlives
 * the run it was for (nor reaches the pool thread's next task).
 */
final class RunTimeout {

    private final BackgroundWorker worker;
    private final Duration timeout;
    private final long nanos;

    private Thread runner;
    private long started;
    private boolean fired;
    private ScheduledFuture<?> timer;

    RunTimeout(BackgroundWorker worker, Duration timeout) {
        this.worker = worker;
        this.timeout = timeout;
        this.nanos = Deadline.nanos(timeout);
    }

    Duration timeout() {
        return timeout;
    }

    /** The calling thread begins a run at {@code startedNanos}. */
    synchronized void began(long startedNanos) {
        runner = Thread.currentThread();
        started = startedNanos;
        fired = false;
        if (timer == null) {
            arm(nanos);
        }
    }

    /**
     * The calling thread's run ended; returns whether it timed out, having cleared the interrupt that
     * said so.
     */
    synchronized boolean ended() {
        boolean timedOut = fired;
        if (timedOut) {
            Thread.interrupted();
        }
        runner = null;
        fired = false;
        return timedOut;
    }

    /** The failure of a run that timed out, with {@code thrown}, what the target threw, as its cause. */
    RunTimeoutException exceeded(Throwable thrown) {
        return new RunTimeoutException(worker.getName(), timeout, thrown);
    }

    private void arm(long delayNanos) {
        try {
            timer = worker.timerLoop().schedule(this::check, Duration.ofNanos(delayNanos));
        } catch (RejectedExecutionException e) {
            timer = null; // the supervisor is stopping: its stop deadline takes over
        }
    }

    private synchronized void check() {
        timer = null;
        if (runner == null) {
            return; // idle: the next run arms the timer again
        }
        long left = started + nanos - System.nanoTime();
        if (left > 0) {
            arm(left); // a later run than the one this timer was armed for: its own deadline
            return;
        }
        if (!fired) {
            fired = true;
            runner.interrupt();
        }
        arm(nanos); // the run may ignore the interruption; the next one cannot time out sooner than this
    }
}
