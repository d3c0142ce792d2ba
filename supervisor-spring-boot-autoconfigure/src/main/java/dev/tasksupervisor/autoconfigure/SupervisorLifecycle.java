package dev.tasksupervisor.autoconfigure;

import org.springframework.context.SmartLifecycle;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;

/**
 * Starts the task supervisor with the application context, if nobody has, and stops it with it, in
 * {@link #PHASE}: after the web server has drained its requests, so that work they hand over is still
 * accepted and done.
 */
public class SupervisorLifecycle implements SmartLifecycle {

    /**
     * The phase: lower than the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its
     * stop ({@code DEFAULT_PHASE - 2048}), so the supervisor starts before and stops after both.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final TaskSupervisor supervisor;
    private final SupervisorShutdown shutdown;

    private final Object monitor = new Object();
    /** Guarded by {@code monitor}. */
    private boolean running;

    SupervisorLifecycle(TaskSupervisor supervisor, SupervisorShutdown shutdown) {
        this.supervisor = supervisor;
        this.shutdown = shutdown;
    }

    /** Starts the supervisor if nobody has. */
    @Override
    public void start() {
        synchronized (monitor) {
            if (running) {
                return;
            }
            shutdown.track(supervisor);
            if (supervisor.getState() == SupervisorState.NEW) {
                supervisor.start();
            }
            running = true;
        }
    }

    /** Stops the supervisor and its aloops as {@code supervisor.shutdown.*} says. */
    @Override
    public void stop() {
        synchronized (monitor) {
            running = false;
            shutdown.stop(supervisor);
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (monitor) {
            return running;
        }
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
