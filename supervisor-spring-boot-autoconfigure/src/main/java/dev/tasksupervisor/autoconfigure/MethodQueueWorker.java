package dev.tasksupervisor.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerContext;

/**
 * The queue worker of a {@code @Worker} method. It refuses, at {@code put}, an item the method could
 * not take, instead of failing the run later and losing the item.
 */
final class MethodQueueWorker extends QueueWorker<Object> {

    private final WorkerMethod method;

    MethodQueueWorker(TaskSupervisor supervisor, String name, WorkerMethod method, int batchSize) {
        super(supervisor, name, method.isAsync(), batchSize);
        this.method = method;
    }

    @Override
    protected Object run(Object item, WorkerContext context) throws Exception {
        return method.run(item, context);
    }

    @Override
    protected Object runBatch(List<Object> items, WorkerContext context) throws Exception {
        return method.run(items, context);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the method does not take items of this type
     */
    @Override
    public void put(Object item) {
        requireItemType(item);
        super.put(item);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the method does not take items of this type
     */
    @Override
    public void put(Object item, Duration timeout) throws InterruptedException {
        requireItemType(item);
        super.put(item, timeout);
    }

    /** The method's item type; {@code null} when it takes any object. */
    @Override
    public Class<?> getItemType() {
        return method.itemType();
    }

    private void requireItemType(Object item) {
        method.checkItem(item, "queue worker", getName());
    }
}
