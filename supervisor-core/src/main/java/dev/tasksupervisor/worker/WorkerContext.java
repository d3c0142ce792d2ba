package dev.tasksupervisor.worker;

import java.util.Map;
import java.util.Optional;

import dev.tasksupervisor.aloop.Aloop;
/**
 * What a worker's target gets besides its input: the worker, its object {@code o}, and the extra
 * arguments it was started with. One context per start of the worker; immutable.
 */
public final class WorkerContext {

    private final BackgroundWorker worker;
    private final String name;
    private final Object object;
    private final Map<String, Object> arguments;

    WorkerContext(BackgroundWorker worker, String name, Object object, Map<String, Object> arguments) {
        this.worker = worker;
        this.name = name;
        this.object = object;
        this.arguments = Map.copyOf(arguments);
    }

    /** The worker running the target. */
    public BackgroundWorker worker() {
        return worker;
    }

    /** The worker's name for this start. */
    public String name() {
        return name;
    }

    /** The object handed to the worker ({@code o} in neotasker), or {@code null}. */
    public Object object() {
        return object;
    }

    /** The object handed to the worker, cast to {@code type}. */
    public <T> T object(Class<T> type) {
        return type.cast(object);
    }

    /** The extra arguments the worker was started with. */
    public Map<String, Object> arguments() {
        return arguments;
    }

    /** One extra argument, if given. */
    public Optional<Object> argument(String key) {
        return Optional.ofNullable(arguments.get(key));
    }

    /** The supervisor the worker runs in. */
    public WorkerHost supervisor() {
        return worker.getSupervisor();
    }

    /** The aloop the worker's async target runs on, for its timers; empty for a sync target. */
    public Optional<Aloop> aloop() {
        return worker.aloop();
    }

    /** Whether the worker is still active: a long target may check it to finish early when stopping. */
    public boolean isActive() {
        return worker.isActive();
    }
}
