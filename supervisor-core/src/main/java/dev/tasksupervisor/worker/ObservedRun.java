package dev.tasksupervisor.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a worker's runs reach the supervisor's {@link RunObserver}: each call guarded (an observer that throws
 * is logged, and the run goes on as if none were set), and for an async run the order of its three calls kept
 * ({@link Async}). Without an observer every method here returns at once, after one field read.
 */
final class ObservedRun {

    private static final Logger log = LoggerFactory.getLogger(RunObserver.class);

    private ObservedRun() {
    }

    /** Tells the observer that a run of {@code worker} begins on this thread; null without one, or if it failed. */
    static RunObserver.Run start(BackgroundWorker worker) {
        RunObserver observer = worker.handle().runObserver();
        return observer == null ? null : start(observer, worker);
    }

    private static RunObserver.Run start(RunObserver observer, BackgroundWorker worker) {
        try {
            return observer.runStarted(worker);
        } catch (RuntimeException | Error e) {
            log.error("The run observer failed as a run of worker '{}' began; the run goes on unobserved",
                    worker.getName(), e);
            return null;
        }
    }

    /** Tells {@code run} (not null) how it ended. */
    static void end(BackgroundWorker worker, RunObserver.Run run, Throwable failure) {
        try {
            run.end(failure);
        } catch (RuntimeException | Error e) {
            log.error("The run observer failed as a run of worker '{}' ended", worker.getName(), e);
        }
    }

    /** A run that never reached the target but counts as a failed run: observed as one that ended at once. */
    static void failedAtOnce(BackgroundWorker worker, Throwable failure) {
        RunObserver.Run run = start(worker);
        if (run != null) {
            end(worker, run, failure);
        }
    }

    /** The guard refused a run of {@code worker}. */
    static void skipped(BackgroundWorker worker) {
        RunObserver observer = worker.handle().runObserver();
        if (observer == null) {
            return;
        }
        try {
            observer.runSkipped(worker);
        } catch (RuntimeException | Error e) {
            log.error("The run observer failed on a skipped run of worker '{}'", worker.getName(), e);
        }
    }

    /** The observation of one async run of {@code worker}, or null without an observer. */
    static Async async(BackgroundWorker worker) {
        RunObserver observer = worker.handle().runObserver();
        return observer == null ? null : new Async(worker, observer);
    }

    /**
     * One async run's observation. {@link #start} and {@link #leave} come on the aloop that runs the target,
     * before and after it builds its stage; {@link #end} wherever the run's view completes, which a forced stop
     * may do at any moment (before the target began, or while it still builds its stage), and a run timeout
     * once the stage is out. So an end that comes before the leave is held until the leave (what the start
     * made current on the aloop is undone there first); an end before the start means the run was given up
     * before its target began, and the start observes nothing.
     *
     * <p>Thread safety: {@code run}, {@code left}, {@code ended} and {@code failure} are guarded by
     * {@code lock}; the observer is called outside it.
     */
    static final class Async {

        private final BackgroundWorker worker;
        private final RunObserver observer;
        private final Object lock = new Object();
        private RunObserver.Run run;
        private boolean left;
        private boolean ended;
        private Throwable failure;

        private Async(BackgroundWorker worker, RunObserver observer) {
            this.worker = worker;
            this.observer = observer;
        }

        /** On the aloop, right before the target runs. */
        void start() {
            synchronized (lock) {
                if (ended) {
                    return; // given up by a forced stop before the target began: nothing to observe
                }
            }
            RunObserver.Run started = ObservedRun.start(observer, worker);
            synchronized (lock) {
                run = started; // an end meanwhile found no run to end: the leave ends it
            }
        }

        /** On the aloop, once the target returned its stage (or threw); ends the run if it ended meanwhile. */
        void leave() {
            RunObserver.Run started;
            boolean endNow;
            Throwable endedWith;
            synchronized (lock) {
                started = run;
                left = true;
                endNow = ended;
                endedWith = failure;
            }
            if (started == null) {
                return;
            }
            try {
                started.leave();
            } catch (RuntimeException | Error e) {
                log.error("The run observer failed as an async run of worker '{}' left its aloop", worker.getName(), e);
            }
            if (endNow) {
                ObservedRun.end(worker, started, endedWith);
            }
        }

        /** The run's view completed: once, on whichever thread completed it. */
        void end(Throwable endedWith) {
            RunObserver.Run started;
            synchronized (lock) {
                if (ended) {
                    return;
                }
                ended = true;
                failure = endedWith;
                started = left ? run : null; // not left yet: the leave ends it
            }
            if (started != null) {
                ObservedRun.end(worker, started, endedWith);
            }
        }
    }
}
