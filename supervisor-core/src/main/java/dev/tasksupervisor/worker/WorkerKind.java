package dev.tasksupervisor.worker;

/** What makes a worker run its target: neotasker's five background worker classes. */
public enum WorkerKind {
    /** Again and again, on a pool thread it keeps ({@code BackgroundWorker}). */
    PLAIN,
    /** Again and again, on an aloop; the target returns a {@code CompletionStage} ({@code BackgroundAsyncWorker}). */
    ASYNC,
    /** At a fixed rate or with a fixed delay between runs ({@code BackgroundIntervalWorker}). */
    INTERVAL,
    /** Once per item put into its queue, or per batch of items ({@code BackgroundQueueWorker}). */
    QUEUE,
    /** Once per trigger, triggers during a run coalesced into one more run ({@code BackgroundEventWorker}). */
    EVENT
}
