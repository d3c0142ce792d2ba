package dev.tasksupervisor.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs its target again and again until stopped or until the target returns {@code false}:
 * neotasker's {@code BackgroundWorker} (a sync target, on a pool thread the worker keeps for as long as
 * it runs) and {@code BackgroundAsyncWorker} (an async target, on an aloop, each run started when the
 * previous stage completed).
 *
 * <p>One run at a time: the sync loop is a single pool task; the async loop starts the next run only
 * from the completion of the previous one. The sync loop, handed to the pool by {@code start}, has the
 * context (MDC, security, tracing) of the thread that started the worker if the supervisor has a task
 * decorator. A loop left over from an earlier start (a forced stop it ignored) knows its start's
 * {@link #generation()} and ends without touching the new one.
 *
 * <p>A run that fails is followed by a wait, the {@link #setFailureBackoff failure backoff}, growing with
 * each failure in a row and reset by a success, so that a target failing at once does not spin. The sync
 * loop waits parked on its pool thread, publishing itself in {@code backingOff} before it reads the state,
 * and a stop unparks it after it wrote the state: whichever comes second sees the other. The async loop
 * waits on the supervisor's timer loop (not its aloop, which drops timers when it stops, and would leave
 * the worker ACTIVE with nothing to run it), its next step in {@code backoffResume}: the timer and a stop of
 * that same start race to take it by compare-and-set, and the one that does runs it, which ends the loop at
 * once if the worker is stopping. Two sync loops (one left over from a forced stop, one of the new start) may
 * back off at once: each publishes itself in place of the other and, when done, puts the other back and
 * wakes it, so a stop that woke the wrong one is not lost.
 */
public class ContinuousWorker extends NoInputWorker {

    private static final VarHandle BACKING_OFF;
    private static final VarHandle BACKOFF_RESUME;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            BACKING_OFF = lookup.findVarHandle(ContinuousWorker.class, "backingOff", Thread.class);
            BACKOFF_RESUME = lookup.findVarHandle(ContinuousWorker.class, "backoffResume", Resume.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The async loop's next step after a backoff, for the start it belongs to. */
    private record Resume(int start, Runnable next) {
    }

    /** The sync loop's thread while it waits out a backoff, else null: a stop unparks it. */
    private volatile Thread backingOff;
    /** The async loop's next step while it waits out a backoff, else null: taken by the timer or a stop. */
    private volatile Resume backoffResume;

    /**
     * A worker running {@code target} continuously; an async target ({@link WorkerTarget#async}) makes
     * it an {@link WorkerKind#ASYNC} worker.
     */
    public ContinuousWorker(WorkerHost supervisor, String name, WorkerTarget<Void> target) {
        super(supervisor, name, target);
    }

    /** For subclasses that override {@link #run(WorkerContext)}. */
    protected ContinuousWorker(WorkerHost supervisor, String name, boolean async) {
        super(supervisor, name, async);
    }

    @Override
    public WorkerKind getKind() {
        return isAsync() ? WorkerKind.ASYNC : WorkerKind.PLAIN;
    }

    @Override
    public String getSchedule() {
        return "continuous";
    }

    @Override
    void onStart() {
        int start = generation();
        if (isAsync()) {
            timerLoop().executor().execute(() -> nextAsync(start, 0));
        } else {
            handle().execute(() -> loop(start), true).whenComplete((done, error) -> {
                if (error != null && !(error instanceof CancellationException)) { // cancelled: a forced stop's
                    loopFailed(start, error);
                }
            });
        }
    }

    /**
     * The pool task holding the loop failed outside the target (the task decorator around it threw, or
     * never ran it; the run machinery itself contains the target's, handler's and listeners' failures):
     * the target cannot run, so count that as a failed run and stop, rather than stay ACTIVE with nothing
     * running.
     */
    private void loopFailed(int start, Throwable error) {
        if (generation() != start) {
            return;
        }
        runs().failedInDecorator(null, error.getCause() != null ? error.getCause() : error);
        requestStop();
        idle(start);
    }

    /** Whether this loop still belongs to the current start (a forced stop and restart leave it behind). */
    private boolean current(int start) {
        return isActive() && generation() == start;
    }

    private void loop(int start) {
        int failures = 0;
        while (current(start)) {
            // each pass is one run; the worker keeps this pool thread meanwhile, and while it backs off
            WorkerRuns.Outcome outcome = runs().runSync(null, start, 0);
            if (!outcome.goOn()) {
                break;
            }
            failures = outcome == WorkerRuns.Outcome.FAILED ? inARow(failures) : 0;
            if (failures > 0) {
                backOff(start, failures);
            }
        }
        idle(start);
    }

    /** One failure more in a row; the count stops growing long before it could overflow (the wait is at its max by then). */
    private static int inARow(int failures) {
        return Math.min(failures, 1_000_000) + 1;
    }

    /** Parks this loop's thread for the backoff after {@code failures} failed runs, or until a stop. */
    private void backOff(int start, int failures) {
        long until = System.nanoTime() + getFailureBackoff().delayNanos(failures);
        Thread me = Thread.currentThread();
        Thread before = (Thread) BACKING_OFF.getAndSet(this, me);
        try {
            for (long left; current(start) && (left = until - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    break; // not the stop's (it unparks): the pool shutting down; run again, or see the stop
                }
            }
        } finally {
            // Put back whom this replaced (a loop of another start, backing off too) and wake it: a stop may
            // have unparked this thread in its place. A loop woken for nothing looks at its state and parks again.
            if (BACKING_OFF.compareAndSet(this, me, before) && before != null) {
                LockSupport.unpark(before);
            }
        }
    }

    private void nextAsync(int start, int failures) {
        if (!current(start)) {
            idle(start);
            return;
        }
        runs().runAsync(null, start, null).thenAccept(outcome -> {
            int inARow = outcome == WorkerRuns.Outcome.FAILED ? inARow(failures) : 0;
            long delay = inARow > 0 ? getFailureBackoff().delayNanos(inARow) : 0;
            try {
                if (delay > 0) {
                    backOffAsync(start, inARow, delay);
                } else {
                    // Through the executor rather than recursively: a target that completes at once must not grow the stack.
                    timerLoop().executor().execute(() -> nextAsync(start, inARow));
                }
            } catch (RejectedExecutionException e) {
                requestStop();
                idle(start);
            }
        });
    }

    /** Schedules the async loop's next run after the backoff; a stop meanwhile runs it at once (and it ends). */
    private void backOffAsync(int start, int failures, long delayNanos) {
        Resume resume = new Resume(start, () -> nextAsync(start, failures));
        backoffResume = resume; // before the timer exists: it may fire at once, and must find it
        try {
            handle().timerLoop().schedule(() -> {
                if (BACKOFF_RESUME.compareAndSet(this, resume, null)) {
                    resumeOnAloop(resume);
                }
            }, Duration.ofNanos(delayNanos));
        } catch (RejectedExecutionException e) {
            BACKOFF_RESUME.compareAndSet(this, resume, null);
            throw e;
        }
        if (!current(start) && BACKOFF_RESUME.compareAndSet(this, resume, null)) {
            resume.next().run(); // a stop that came before backoffResume was set found nothing to take
        }
    }

    /** Runs the async loop's next step on its aloop; one that stopped meanwhile ends the loop (and the worker). */
    private void resumeOnAloop(Resume resume) {
        try {
            timerLoop().executor().execute(resume.next());
        } catch (RejectedExecutionException e) {
            requestStop();
            idle(resume.start());
        }
    }

    @Override
    void onStopRequested(int startedIn) {
        // The loop sees the state at its next pass and settles the stop itself; one backing off is woken for it.
        if (generation() != startedIn) {
            return; // a late call for an earlier start: the backoff now is a newer start's
        }
        LockSupport.unpark(backingOff);
        Resume resume = backoffResume;
        if (resume != null && resume.start() == startedIn && BACKOFF_RESUME.compareAndSet(this, resume, null)) {
            resumeOnAloop(resume);
        }
    }
}
