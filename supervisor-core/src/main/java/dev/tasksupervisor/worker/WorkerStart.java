package dev.tasksupervisor.worker;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Start-time overrides for one start of a worker, as neotasker's {@code start(_name=..., _interval=...,
 * _loop=..., **kwargs)}: another name, interval or delay, aloop, and extra arguments that reach the
 * target through its {@link WorkerContext}. Immutable; each {@code with*} returns a copy.
 */
public final class WorkerStart {

    private static final WorkerStart NONE = new WorkerStart(null, null, null, null, Map.of());

    private final String name;
    private final Duration interval;
    private final Duration delay;
    private final String aloop;
    private final Map<String, Object> arguments;

    private WorkerStart(String name, Duration interval, Duration delay, String aloop, Map<String, Object> arguments) {
        this.name = name;
        this.interval = interval;
        this.delay = delay;
        this.aloop = aloop;
        this.arguments = arguments;
    }

    /** No overrides. */
    public static WorkerStart defaults() {
        return NONE;
    }

    /** Starts the worker under another name. */
    public WorkerStart withName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a worker's start name must not be empty: give a name, or start the "
                    + "worker without withName to keep its own");
        }
        return new WorkerStart(name, interval, delay, aloop, arguments);
    }

    /** Another fixed-rate interval (interval workers). */
    public WorkerStart withInterval(Duration interval) {
        return new WorkerStart(name, Objects.requireNonNull(interval, "interval"), delay, aloop, arguments);
    }

    /** Another fixed delay between runs (interval workers). */
    public WorkerStart withDelay(Duration delay) {
        return new WorkerStart(name, interval, Objects.requireNonNull(delay, "delay"), aloop, arguments);
    }

    /** Another aloop for an async target. */
    public WorkerStart withAloop(String aloop) {
        return new WorkerStart(name, interval, delay, Objects.requireNonNull(aloop, "aloop"), arguments);
    }

    /** An extra argument for the target ({@link WorkerContext#argument}). */
    public WorkerStart withArgument(String key, Object value) {
        Map<String, Object> copy = new HashMap<>(arguments);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new WorkerStart(name, interval, delay, aloop, Map.copyOf(copy));
    }

    String name() {
        return name;
    }

    Duration interval() {
        return interval;
    }

    Duration delay() {
        return delay;
    }

    String aloop() {
        return aloop;
    }

    Map<String, Object> arguments() {
        return arguments;
    }
}
