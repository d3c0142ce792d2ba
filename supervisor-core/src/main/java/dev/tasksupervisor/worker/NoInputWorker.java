package dev.tasksupervisor.worker;

/**
 * The part shared by the kinds whose target takes no input (continuous, interval, event): a target
 * or, for subclasses that pass none, an overridable {@link #run(WorkerContext)}.
 */
abstract class NoInputWorker extends BackgroundWorker {

    NoInputWorker(WorkerHost supervisor, String name, WorkerTarget<Void> target) {
        super(supervisor, name, target, isAsync(target, name));
    }

    NoInputWorker(WorkerHost supervisor, String name, boolean async) {
        super(supervisor, name, null, async);
    }

    /**
     * The work, for subclasses that pass no target: return {@code false} (or, when async, a stage
     * completing with {@code false}) to stop the worker.
     */
    protected Object run(WorkerContext context) throws Exception {
        return super.invoke(null, context);
    }

    @Override
    final Object invoke(Object input, WorkerContext context) throws Exception {
        return run(context);
    }
}
