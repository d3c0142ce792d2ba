package dev.tasksupervisor.aloop;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import dev.tasksupervisor.lifecycle.Stoppable;

/**
 * A named event loop on a thread of its own, for asynchronous work that must not block: neotasker's
 * "aloop". Made, started, looked up and stopped by its {@code TaskSupervisor} ({@code createAloop},
 * {@code getAloop}); the supervisor stops every aloop when it stops.
 *
 * <p>An <em>async function</em> is a {@link Callable} returning a {@link CompletionStage}: it is called on
 * the loop thread, must return quickly, and finishes when its stage completes. Waiting is done with the
 * loop's own timers ({@link #sleep}, {@link #schedule}), never by blocking the thread. From any thread,
 * {@link #spawn} starts an async function and returns its future at once, and {@link #run} blocks until
 * its result is there. {@link #executor()} runs plain tasks on the loop thread, for example as the
 * executor of {@code CompletableFuture}'s {@code *Async} methods.
 *
 * <p>Life cycle ({@link AloopState}): {@code NEW → ACTIVE → STOPPING → STOPPED}. A graceful stop
 * ({@link #stop()}) refuses new async functions but lets pending ones finish, their timers and
 * continuations included; the thread ends as soon as nothing is pending. A forced one ({@link #forceStop()},
 * or {@link #stop(Duration)} once its wait is over) cancels what is pending. Every method may be called
 * from any thread.
 */
public interface Aloop extends Stoppable {

    /** The aloop's name, unique in its supervisor. */
    String getName();

    /** The name of the loop thread: {@code supervisor_aloop_<name>}, or {@code supervisor_<id>_aloop_<name>}. */
    String getThreadName();

    /** Whether the loop thread is a daemon thread (one that does not keep the JVM alive). */
    boolean isDaemon();

    /** Whether the loop accepts new async functions. */
    boolean isActive();

    /** The loop's life-cycle state. */
    AloopState getState();

    /** Async functions not yet complete plus tasks waiting to run; 0 once stopped. */
    int getPending();

    /** A point-in-time view of this loop. */
    AloopInfo info();

    /** Whether the calling thread is this loop's thread. */
    boolean inLoop();

    /**
     * Starts an async function on the loop thread and returns its result at once. Cancelling the returned
     * future cancels the function's own stage too, where that stage allows it.
     *
     * @throws IllegalStateException if the loop is not started
     * @throws RejectedExecutionException if the loop is stopping or stopped
     */
    <T> CompletableFuture<T> spawn(Callable<? extends CompletionStage<T>> function);

    /**
     * Runs an async function on the loop and blocks the calling thread until it completes.
     *
     * @throws ExecutionException wrapping what the function failed with
     * @throws java.util.concurrent.CancellationException if the loop cancelled it while stopping
     * @throws IllegalStateException if called on the loop thread itself, which would wait for ever
     */
    <T> T run(Callable<? extends CompletionStage<T>> function) throws InterruptedException, ExecutionException;

    /**
     * A stage that completes on the loop thread after {@code delay}: the non-blocking sleep for async
     * functions. If the loop ends first, the stage is cancelled.
     */
    CompletableFuture<Void> sleep(Duration delay);

    /** Runs {@code task} once on the loop thread after {@code delay}. Exceptions are logged. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay);

    /**
     * Runs {@code task} on the loop thread every {@code period}, measured from the first start (no drift);
     * a late run is not repeated to catch up. Exceptions are logged and the timer goes on.
     */
    ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period);

    /** Runs {@code task} on the loop thread, {@code delay} after each run ends. Exceptions are logged. */
    ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay);

    /**
     * An executor that runs tasks on the loop thread, in order. Usable while the loop is active or still
     * finishing its pending work; tasks waiting in it count as pending.
     */
    Executor executor();
}
