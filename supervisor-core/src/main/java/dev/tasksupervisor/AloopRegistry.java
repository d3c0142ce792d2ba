package dev.tasksupervisor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.aloop.AloopState;

/**
 * The aloops of one {@link TaskSupervisor}: made, named by the supervisor's thread-name rules, looked up,
 * started with the supervisor or at once, and one of them the default.
 *
 * <p>Thread safety: changed only under the supervisor's life-cycle lock (the caller holds it), read
 * anywhere; {@code aloops} is concurrent and {@code defaultAloop} volatile.
 */
final class AloopRegistry {

    private final String supervisorId;
    private final String threadNamePrefix;
    private final Map<String, ThreadAloop> aloops = new ConcurrentHashMap<>();
    /** Aloops to start when the supervisor does; guarded by the supervisor's life-cycle lock. */
    private final List<ThreadAloop> startWithSupervisor = new ArrayList<>();
    private volatile ThreadAloop defaultAloop;

    AloopRegistry(String supervisorId, String threadNamePrefix) {
        this.supervisorId = supervisorId;
        this.threadNamePrefix = threadNamePrefix;
    }

    /** The supervisor's own loop, for timers and health checks; not listed among its aloops. */
    ThreadAloop newOwnLoop() {
        return new ThreadAloop(TaskSupervisor.RESERVED_ALOOP_NAME, threadNamePrefix + "aloop_"
                + TaskSupervisor.RESERVED_ALOOP_NAME, true, loop -> false);
    }

    /**
     * Makes an aloop; starts it now if {@code start} and the supervisor is active, or with the supervisor.
     *
     * @throws IllegalArgumentException for an empty, reserved or taken name
     */
    ThreadAloop create(String name, boolean isDefault, boolean daemon, boolean start, boolean supervisorActive) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("aloop name must not be empty: give the aloop a name");
        }
        if (TaskSupervisor.RESERVED_ALOOP_NAME.equals(name)) {
            throw new IllegalArgumentException("aloop name '" + TaskSupervisor.RESERVED_ALOOP_NAME + "' is reserved "
                    + "for the supervisor's own loop: choose another name");
        }
        ThreadAloop existing = aloops.get(name);
        if (existing != null && existing.getState() != AloopState.STOPPED) {
            throw new IllegalArgumentException("aloop '" + name + "' already exists in task supervisor '" + supervisorId
                    + "': choose another name or stop the existing one first");
        }
        ThreadAloop loop = new ThreadAloop(name, threadNamePrefix + "aloop_" + name, daemon, this::isDefault);
        aloops.put(name, loop);
        if (isDefault) {
            defaultAloop = loop;
        }
        if (start) {
            start(loop, supervisorActive);
        }
        return loop;
    }

    /** Starts the named aloop now, or with the supervisor if it has not started yet. */
    void start(String name, boolean supervisorActive) {
        start(get(name), supervisorActive);
    }

    private void start(ThreadAloop loop, boolean supervisorActive) {
        if (supervisorActive) {
            loop.start();
        } else if (!startWithSupervisor.contains(loop)) {
            startWithSupervisor.add(loop);
        }
    }

    /** The supervisor started: start the aloops that waited for it. */
    void supervisorStarted() {
        startWithSupervisor.forEach(ThreadAloop::start);
        startWithSupervisor.clear();
    }

    Optional<Aloop> find(String name) {
        return Optional.ofNullable(name == null ? null : aloops.get(name));
    }

    /**
     * The aloop of this name.
     *
     * @throws IllegalArgumentException if there is none
     */
    ThreadAloop get(String name) {
        ThreadAloop loop = name == null ? null : aloops.get(name);
        if (loop == null) {
            throw new IllegalArgumentException("task supervisor '" + supervisorId + "' has no aloop named '" + name
                    + "': create it first (createAloop, or supervisor.aloops." + name + " in Spring configuration)");
        }
        return loop;
    }

    /** Every aloop, by name. */
    List<Aloop> all() {
        List<Aloop> all = new ArrayList<>(aloops.values());
        all.sort(Comparator.comparing(Aloop::getName));
        return all;
    }

    private boolean isDefault(Aloop loop) {
        return loop == defaultAloop;
    }

    Optional<Aloop> defaultAloop() {
        return Optional.ofNullable(defaultAloop);
    }

    void setDefault(String name) {
        defaultAloop = get(name);
    }
}
