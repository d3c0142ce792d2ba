package dev.tasksupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.lifecycle.Deadline;
import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.lifecycle.Stoppable;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.Scheduler;
import dev.tasksupervisor.worker.WorkerState;

/**
 * The stop sequence of a {@link TaskSupervisor}: the one sequence every stoppable part runs (ask, let
 * finish or drain, force and hand back, report), phase by phase under one deadline:
 *
 * <ol>
 * <li>the schedulers (workers first of all, when the options say so): all asked at once, then each awaited
 *     until the deadline, the rest forced; a queue worker drains or hands back;
 * <li>the pool: shut down (new tasks refused, accepted ones run, those held back by priorities too),
 *     awaited until the deadline; then tasks not started are cancelled and running ones interrupted, and
 *     get {@link #INTERRUPTED_GRACE} (or the poll delay, if longer) to end;
 * <li>the aloops: awaited until the deadline, then their pending work cancelled; at once with
 *     {@code cancelTasks};
 * <li>the supervisor's own loop, which holds only timers: cancelled.
 * </ol>
 *
 * Each phase runs even if an earlier one failed; the first failure is thrown after the report is made.
 * Touched only by the thread doing the stop.
 */
final class SupervisorStop {

    private static final Logger log = LoggerFactory.getLogger(SupervisorStop.class);

    /** How long, at least, interrupted pool tasks get to end before the report counts them as still running. */
    static final Duration INTERRUPTED_GRACE = Duration.ofMillis(100);
    /** The grace of a part forced after the shared one has passed: time for a run to end once interrupted. */
    static final Duration LEAST_GRACE = Duration.ofMillis(10);
    /** How often a stop that waits for workers logs what it still waits for. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    private final String id;
    private final SchedulerRegistry schedulers;
    private final AloopRegistry aloops;
    private final Duration pollDelay;
    private final long progressNanos;

    SupervisorStop(String id, SchedulerRegistry schedulers, AloopRegistry aloops, Duration pollDelay,
            Duration progressInterval) {
        this.id = id;
        this.schedulers = schedulers;
        this.aloops = aloops;
        this.pollDelay = pollDelay;
        this.progressNanos = Deadline.nanos(progressInterval);
    }

    /**
     * Runs the sequence on {@code pool} and {@code ownLoop} until {@code deadline}.
     *
     * @throws RuntimeException the first failure of a phase, after every phase has run
     */
    StopReport run(TaskPool pool, ThreadAloop ownLoop, Deadline deadline, StopOptions options, long began) {
        log.info("Task supervisor '{}' stopping", id);
        StopReport.Builder report = StopReport.builder();
        RuntimeException failure = null;
        if (options.stopSchedulers()) {
            failure = phase(failure, () -> stopAll(schedulers.all(), deadline, report));
        }
        failure = phase(failure, () -> stopPool(pool, deadline, report));
        for (Aloop loop : aloops.all()) {
            failure = phase(failure, () -> report.add(options.cancelTasks() ? forceAndAwait(loop, deadline)
                    : loop.stop(deadline)));
        }
        // The supervisor's own loop holds only timers: nothing on it is worth waiting for.
        failure = phase(failure, () -> forceAndAwait(ownLoop, Deadline.none()));
        StopReport done = report.build(Duration.ofNanos(System.nanoTime() - began));
        if (done.isComplete()) {
            log.info("Task supervisor '{}' {}", id, done);
        } else {
            log.warn("Task supervisor '{}' {}", id, done);
        }
        if (failure != null) {
            throw failure;
        }
        return done;
    }

    /**
     * Asks every part to stop, waits for each until the deadline, forces the rest and reports them. A part
     * that throws (a custom scheduler, a hook) is logged and forced; the others go on regardless.
     */
    void stopAll(List<? extends Stoppable> parts, Deadline deadline, StopReport.Builder report) {
        List<Stoppable> late = new ArrayList<>();
        List<Stoppable> asked = new ArrayList<>(parts.size());
        for (Stoppable part : parts) {
            try {
                part.requestStop();
                asked.add(part);
            } catch (RuntimeException | Error e) {
                log.error("Task supervisor '{}': asking {} to stop failed; it is forced", id, part, e);
                late.add(part);
            }
        }
        long nextProgress = System.nanoTime() + progressNanos;
        for (int i = 0; i < asked.size(); i++) {
            Stoppable part = asked.get(i);
            boolean done;
            try {
                if (part instanceof BackgroundWorker) {
                    // In slices, so that a long drain says how far it has come rather than keep silent for minutes.
                    while (!(done = part.awaitStop(Duration.ofNanos(Math.min(deadline.remainingNanos(),
                            Math.max(0, nextProgress - System.nanoTime()))))) && !deadline.hasPassed()) {
                        if (System.nanoTime() - nextProgress >= 0) {
                            logProgress(asked.subList(i, asked.size()), deadline);
                            nextProgress = System.nanoTime() + progressNanos;
                        }
                    }
                } else {
                    done = part.awaitStop(deadline.remaining()); // a scheduler of the user's: asked once, as it says
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            } catch (RuntimeException | Error e) {
                log.error("Task supervisor '{}': waiting for {} to stop failed; it is forced", id, part, e);
                done = false;
            }
            if (!done) {
                late.add(part);
            }
        }
        forceAll(id, late, report);
    }

    /**
     * One line on the workers a stop still waits for: "draining 'ship': 2,345 item(s) left, 12 s left".
     * Schedulers of the user's are not named: whether they are done, only their own {@code awaitStop} knows.
     */
    private void logProgress(List<Stoppable> parts, Deadline deadline) {
        StringJoiner waiting = new StringJoiner("; ");
        for (Stoppable part : parts) {
            if (part instanceof BackgroundWorker worker && worker.getState() == WorkerState.STOPPING) {
                // A durable queue is not drained by a stop (its items stay stored): it only finishes its run.
                int left = worker instanceof DurableQueueWorker<?> ? 0 : worker.getQueueSize();
                waiting.add(left > 0 ? String.format(Locale.ROOT, "draining '%s': %,d item(s) left", worker.getName(), left)
                        : "'" + worker.getName() + "' finishing its run");
            }
        }
        if (waiting.length() > 0) {
            log.info("Task supervisor '{}' stopping: {}, {}", id, waiting, deadline.isNone()
                    ? "waiting as long as it takes" : deadline.remaining().toSeconds() + " s left before the rest is forced");
        }
    }

    /**
     * Forces every part and reports it; one that throws is logged, and the rest are forced still. The parts
     * share one grace for their interrupted runs to end ({@link #INTERRUPTED_GRACE}), each at least
     * {@link #LEAST_GRACE} once it has passed: forced one after another, parts whose runs ignore their
     * interruption would otherwise add up their graces and overrun the stop's deadline (a Spring phase).
     */
    static void forceAll(String id, List<? extends Stoppable> parts, StopReport.Builder report) {
        Deadline grace = Deadline.after(INTERRUPTED_GRACE);
        for (Stoppable part : parts) {
            try {
                report.add(part.forceStop(grace.hasPassed() ? Deadline.after(LEAST_GRACE) : grace));
            } catch (RuntimeException | Error e) {
                log.error("Task supervisor '{}': forcing {} to stop failed", id, part, e);
            }
        }
    }

    private void stopPool(TaskPool pool, Deadline deadline, StopReport.Builder report) {
        pool.shutdown();
        try {
            if (pool.awaitTermination(deadline.remaining())) {
                return;
            }
            int cancelled = pool.shutdownNow();
            Duration grace = pollDelay.compareTo(INTERRUPTED_GRACE) > 0 ? pollDelay : INTERRUPTED_GRACE;
            // -1 for a replacement executor that cannot tell
            report.poolTasks(cancelled, pool.awaitTermination(grace) ? 0 : pool.info().active());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.poolTasks(pool.shutdownNow(), 0);
        }
    }

    private static StopReport forceAndAwait(Aloop loop, Deadline deadline) {
        StopReport forced = loop.forceStop();
        try {
            loop.awaitStop(deadline.remaining());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return forced;
    }

    private RuntimeException phase(RuntimeException failure, Runnable step) {
        try {
            step.run();
            return failure;
        } catch (RuntimeException e) {
            log.error("Task supervisor '{}': a step of its stop failed; the others go on", id, e);
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /** Schedulers to ask to stop at once, for a stop that goes on in the background. */
    void askSchedulers() {
        for (Scheduler scheduler : schedulers.all()) {
            try {
                scheduler.requestStop();
            } catch (RuntimeException | Error e) {
                log.error("Task supervisor '{}': asking '{}' to stop failed", id, scheduler.getName(), e);
            }
        }
    }
}
