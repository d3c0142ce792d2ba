package dev.tasksupervisor.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;

/**
 * Stops the task supervisor as {@code supervisor.shutdown.*} says: when the context closes
 * ({@link SupervisorLifecycle}), or, if the context fails or closes while its life cycle is not running
 * (before it started, or paused), when the bean factory is destroyed. It is created before the supervisor
 * and destroyed after it, so a started supervisor is always stopped with the context; with
 * {@code supervisor.shutdown.wait=false} (or a stop still going when Spring's phase timeout ran out) its
 * work finishes in the background after the context has closed. A supervisor of a parent context is not
 * its to stop.
 */
final class SupervisorShutdown implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SupervisorShutdown.class);

    private final SupervisorProperties.Shutdown settings;
    private final StopOptions options;
    private volatile TaskSupervisor supervisor;

    SupervisorShutdown(SupervisorProperties.Shutdown settings) {
        this.settings = settings;
        this.options = SupervisorSettings.stopOptions(settings);
    }

    /** The supervisor to stop when the bean factory is destroyed, if nothing stopped it before. */
    void track(TaskSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    /** Stops the supervisor: waits as long as it takes, at most the timeout, or not at all. */
    void stop(TaskSupervisor supervisor) {
        if (settings.isWait()) {
            supervisor.stop(options);
        } else {
            supervisor.requestStop(options);
        }
    }

    @Override
    public void destroy() {
        TaskSupervisor tracked = supervisor;
        if (tracked == null) {
            return;
        }
        if (tracked.getState() == SupervisorState.ACTIVE) {
            stop(tracked);
        } else if (tracked.getState() == SupervisorState.STOPPING && settings.isWait()) {
            log.warn("Task supervisor '{}' is still stopping after spring.lifecycle.timeout-per-shutdown-phase: the "
                    + "context closes now, and the supervisor goes on stopping in the background (raise the timeout, "
                    + "or set supervisor.shutdown.timeout to bound the stop itself)", tracked.getId());
        }
    }
}
