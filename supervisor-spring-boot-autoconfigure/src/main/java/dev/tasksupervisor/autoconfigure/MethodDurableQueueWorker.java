package dev.tasksupervisor.autoconfigure;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.store.PayloadCodec;
import dev.tasksupervisor.store.QueueStore;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.WorkerContext;

/**
 * The durable queue worker of a {@code @Worker(durable = true)} method: its items go to the application's
 * database through the JSON codec, and it refuses, at {@code put} (which {@code offer} and the timed forms
 * call), an item the method could not take.
 */
final class MethodDurableQueueWorker extends DurableQueueWorker<Object> {

    private final WorkerMethod method;

    MethodDurableQueueWorker(TaskSupervisor supervisor, String name, WorkerMethod method, QueueStore store,
            PayloadCodec<Object> codec) {
        super(supervisor, name, store, codec);
        this.method = method;
    }

    @Override
    protected Object run(Object item, WorkerContext context) throws Exception {
        return method.run(item, context);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the method does not take items of this type
     */
    @Override
    public void put(Object item) {
        method.checkItem(item, "durable queue worker", getName());
        super.put(item);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the method does not take items of this type
     */
    @Override
    public boolean put(Object item, String idempotencyKey) {
        method.checkItem(item, "durable queue worker", getName());
        return super.put(item, idempotencyKey);
    }

    /** The method's item type; {@code null} when it takes any object. */
    @Override
    public Class<?> getItemType() {
        return method.itemType();
    }
}
