package dev.tasksupervisor.worker;

import dev.tasksupervisor.pool.Priority;

/**
 * Sees every run of a supervisor's workers and every task it spawns, from its start to its end, on the
 * thread that runs it: the hook for tracing and timing each one (the starter turns it into a Micrometer
 * Observation, {@code supervisor.worker.run} and {@code supervisor.task}). Set one with
 * {@code TaskSupervisor.setRunObserver} before the supervisor starts; without one, a run pays one field read.
 *
 * <h2>The caller's context</h2>
 * The observer captures nothing itself: a sync run and a spawned task start inside the supervisor's task
 * decorator, which was applied on the thread that handed the work over (the putter of a queue item, the first
 * trigger coalesced into an event run, the thread that started an interval or plain worker, the spawner of a
 * task). So when the decorator carries a context (Spring's {@code ContextPropagatingTaskDecorator} carries the
 * current Micrometer Observation and span), that context is current when {@link #runStarted} and
 * {@link #taskStarted} are called, and an observation started there is its child. An async target runs on its
 * aloop, which no task decorator wraps: what is current there is the aloop's own (nothing, between tasks).
 *
 * <h2>Calls</h2>
 * {@link #runStarted} on the pool thread or aloop that runs the target, right before it; the {@link Run} it
 * returns hears {@link Run#end} once. A run the worker counts without reaching its target (its run guard
 * failed, the pool or the aloop refused it, the task decorator never called it) is started and ended at once,
 * with its failure; a run the guard refused is {@link #runSkipped} instead. An exception thrown by the observer
 * is logged and changes nothing for the run.
 */
public interface RunObserver {

    /**
     * A run of {@code worker}'s target begins on this thread.
     *
     * @return what hears how the run goes on and ends; not null
     */
    Run runStarted(BackgroundWorker worker);

    /**
     * A run of {@code worker} was skipped: its {@link RunGuard} refused it. Called on the pool thread that asked
     * the guard, outside the run's context (the decorator wraps the target, not the ask).
     */
    default void runSkipped(BackgroundWorker worker) {
    }

    /**
     * A spawned task begins on this pool thread (tasks cancelled before they start never do).
     *
     * @param priority the priority it was spawned with ({@link Priority#NORMAL} unless one was given)
     * @return what hears how the task ends; not null
     */
    Run taskStarted(Priority priority);

    /** One observed run or task, from its start to its end. */
    interface Run {

        /**
         * The run goes on off this thread: an async target returned its stage (or threw), and the aloop moves
         * on. Called once, on the thread that started the run, before {@link #end}; never for a sync run. Undo
         * here what the start made current on this thread.
         */
        default void leave() {
        }

        /**
         * The run ended: on the thread that started it for a sync run or a task (whatever was made current at
         * the start is still current), or, for an async run, wherever its stage completed, after
         * {@link #leave()}. A run a forced stop ended reports how it ended: an {@code InterruptedException}
         * of a sync target, the {@code CancellationException} of an async one given up.
         *
         * @param failure what the run failed with (a {@link RunTimeoutException} for a run that took too long),
         *     or {@code null} if it succeeded
         */
        void end(Throwable failure);
    }
}
