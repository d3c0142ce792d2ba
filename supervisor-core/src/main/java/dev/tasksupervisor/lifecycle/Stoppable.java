package dev.tasksupervisor.lifecycle;

import java.time.Duration;

/**
 * Something that stops in one sequence of four steps: <em>ask</em> ({@link #requestStop()}: refuse new
 * work, finish what was accepted), <em>let finish or drain</em> ({@link #awaitStop}), <em>force and
 * hand back</em> what is left when the wait is over ({@link #forceStop()}: interrupt or cancel what
 * runs, return what was queued), and <em>report</em> it ({@link StopReport}). The task supervisor, its
 * aloops and its workers stop this way, with the same verbs and the same results:
 *
 * <pre>{@code
 * StopReport report = thing.stop();                        // graceful: waits as long as it takes
 * StopReport report = thing.stop(Duration.ofSeconds(10));  // graceful for 10 s, then forced
 * thing.requestStop();                                     // asks and returns at once ...
 * boolean stopped = thing.awaitStop(Duration.ofSeconds(5)); // ... and waits later
 * }</pre>
 *
 * <p>Every method may be called from any thread, any number of times: a stop is begun once and later
 * calls join it.
 */
public interface Stoppable {

    /**
     * Begins a graceful stop and returns at once: from now on new work is refused, accepted work
     * finishes (a queue drains). Does nothing once a stop is under way.
     */
    void requestStop();

    /**
     * Waits until a stop begun earlier has finished.
     *
     * @return whether it finished within {@code timeout}
     */
    boolean awaitStop(Duration timeout) throws InterruptedException;

    /**
     * Ends a stop now: what still runs is interrupted (a thread) or given up (a stage), what waits is
     * cancelled or handed back. Begins the stop first if nobody asked yet.
     *
     * @return what was forced, handed back or left running
     */
    StopReport forceStop();

    /**
     * As {@link #forceStop()}, giving what it interrupted until {@code grace} to end, instead of a grace of
     * its own: a stop that forces many parts one after another gives them one grace together, so that the
     * whole stays within its deadline. By default the same as {@link #forceStop()}.
     *
     * @return what was forced, handed back or left running
     */
    default StopReport forceStop(Deadline grace) {
        return forceStop();
    }

    /**
     * Stops gracefully, waiting as long as the accepted work takes.
     *
     * @return the report: complete, unless the stop could not wait (called from the work it waits for)
     */
    default StopReport stop() {
        return stop(Deadline.none());
    }

    /**
     * Stops gracefully for at most {@code wait}, then forces what is left.
     *
     * @return what had to be forced, handed back or left running; complete if nothing
     * @throws IllegalArgumentException if {@code wait} is negative
     */
    default StopReport stop(Duration wait) {
        return stop(Deadline.after(wait));
    }

    /**
     * Stops gracefully until {@code deadline}, then forces what is left: the sequence every stop runs.
     *
     * @return what had to be forced, handed back or left running; complete if nothing
     */
    default StopReport stop(Deadline deadline) {
        long began = System.nanoTime();
        requestStop();
        boolean finished;
        try {
            finished = awaitStop(deadline.remaining());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        StopReport.Builder report = StopReport.builder();
        if (!finished) {
            report.add(forceStop());
        }
        return report.build(Duration.ofNanos(System.nanoTime() - began));
    }
}
