package dev.tasksupervisor.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.lifecycle.Deadline;
import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * Starts the workers with the application context and stops the task supervisor when it closes, in
 * {@link #PHASE}: after the web server has drained its requests, so that work they queued is still
 * accepted and handled. A stop while the context stays open ({@code context.stop()}, Spring's
 * {@code pause()}) is a pause: the workers stop and the supervisor stays, and the next start starts
 * them again. While workers are registered, a non-daemon thread keeps the JVM alive
 * ({@code supervisor.keep-jvm-alive}), since the supervisor's own threads are daemon threads.
 *
 * <p>In a child context that uses its parent's supervisor, the life cycle runs the child's workers on it,
 * and when the child closes stops and unregisters them; the supervisor is the parent's to stop.
 *
 * <p>A stop runs on a daemon thread of its own ({@code supervisor_stop}, {@code supervisor_<id>_stop})
 * and calls Spring back when it is done; the thread ends with the stop. The stop itself forces what is
 * left before {@code spring.lifecycle.timeout-per-shutdown-phase} runs out ({@link SupervisorShutdown}), so
 * Spring does not give up on the phase and destroy the beans while workers still drain.
 */
final class SupervisorLifecycle implements SmartLifecycle, DisposableBean {

    /**
     * The phase: lower than the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its
     * stop ({@code DEFAULT_PHASE - 2048}), so the supervisor starts before and stops after both.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(SupervisorLifecycle.class);

    private final TaskSupervisor supervisor;
    private final SupervisorProperties properties;
    private final WorkerBeanPostProcessor discovery;
    private final SupervisorWorkers builder;
    private final SupervisorShutdown shutdown;
    private final BooleanSupplier closing;
    private final boolean ownsSupervisor;

    private final Object monitor = new Object();
    /** Guarded by {@code monitor}. */
    private boolean running;
    /** Guarded by {@code monitor}. */
    private Thread keepAlive;
    /** The workers built at the first start, {@code null} before it. Guarded by {@code monitor}. */
    private List<WorkerFactory.BuiltWorker> workers;
    /** The workers the last pause stopped, which the next start starts again. Guarded by {@code monitor}. */
    private List<BackgroundWorker> paused = List.of();
    /** The thread of the last stop, which a start waits for. Guarded by {@code monitor}. */
    private Thread stopping;

    /**
     * @param supervisor the supervisor to run the workers on
     * @param properties the worker overrides, the shutdown settings and keep-jvm-alive
     * @param discovery where the workers found among the beans are
     * @param builder builds the workers (some may be built already, as beans)
     * @param shutdown stops the supervisor as {@code supervisor.shutdown.*} says
     * @param closing whether the context is closing (a stop is then the end, not a pause)
     * @param ownsSupervisor whether the supervisor is this context's (else a parent's, which it stops)
     */
    SupervisorLifecycle(TaskSupervisor supervisor, SupervisorProperties properties, WorkerBeanPostProcessor discovery,
            SupervisorWorkers builder, SupervisorShutdown shutdown, BooleanSupplier closing, boolean ownsSupervisor) {
        this.supervisor = supervisor;
        this.properties = properties;
        this.discovery = discovery;
        this.builder = builder;
        this.shutdown = shutdown;
        this.closing = closing;
        this.ownsSupervisor = ownsSupervisor;
    }

    /**
     * The first time: starts the supervisor if nobody has, then builds, registers and starts the
     * workers. After a pause: starts again the workers the pause stopped.
     *
     * @throws SupervisorConfigurationException when a worker is misconfigured
     */
    @Override
    public void start() {
        synchronized (monitor) {
            if (running) {
                return;
            }
            awaitStopping();
            if (workers == null) {
                firstStart();
            } else {
                for (BackgroundWorker worker : paused) {
                    worker.start();
                }
                log.info("Task supervisor '{}': {} worker(s) started again", supervisor.getId(), paused.size());
                paused = List.of();
            }
            running = true;
        }
    }

    /** A pause still under way would make the workers refuse to start: wait for it. Caller holds {@code monitor}. */
    private void awaitStopping() {
        boolean interrupted = false;
        while (stopping != null) {
            try {
                stopping.join();
                stopping = null;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds, registers and starts the workers. Caller holds {@code monitor}. */
    private void firstStart() {
        if (ownsSupervisor) {
            shutdown.track(supervisor);
            if (supervisor.getState() == SupervisorState.NEW) {
                supervisor.start();
            }
        }
        List<WorkerFactory.BuiltWorker> created = builder.create(discovery.takeDeclarations());
        for (WorkerFactory.BuiltWorker built : created) {
            supervisor.registerScheduler(built.worker());
        }
        boolean autoStart = properties.isAutoStart();
        int started = 0;
        for (WorkerFactory.BuiltWorker built : created) {
            if (autoStart && built.autoStart()) {
                start(built);
                started++;
            }
        }
        if (properties.isKeepJvmAlive() && !created.isEmpty()) {
            keepAlive = startKeepAlive();
        }
        workers = created;
        logWorkers(created, autoStart, started);
    }

    /** One line in all, then one per worker: what a reader of the start-up log wants to check. */
    private void logWorkers(List<WorkerFactory.BuiltWorker> created, boolean autoStart, int started) {
        log.info("Task supervisor '{}': {} worker(s) registered, {} started{}", supervisor.getId(), created.size(),
                started, autoStart ? "" : " (supervisor.auto-start=false)");
        for (WorkerFactory.BuiltWorker built : created) {
            BackgroundWorker worker = built.worker();
            log.info("  worker '{}': {}, {}, {}, {}", worker.getName(), worker.getKind().name().toLowerCase(Locale.ROOT),
                    worker.getSchedule(), worker.isActive() ? "started" : "not started", built.declaration().describe());
        }
    }

    private static void start(WorkerFactory.BuiltWorker built) {
        BackgroundWorker worker = built.worker();
        try {
            worker.start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new SupervisorConfigurationException("Worker '" + worker.getName() + "' ("
                    + built.declaration().describe() + ") cannot start: " + e.getMessage(),
                    "Fix the worker's settings as the message says.", e);
        }
    }

    /** A non-daemon thread that ends when the supervisor has stopped: the JVM lives as long as the workers. */
    private Thread startKeepAlive() {
        Thread thread = new Thread(() -> {
            try {
                supervisor.block();
            } catch (InterruptedException e) {
                // stopped by stop(): nothing more to keep alive
            }
        }, threadName("keep_alive"));
        thread.setDaemon(false);
        thread.start();
        return thread;
    }

    private String threadName(String suffix) {
        String id = supervisor.getId();
        return (TaskSupervisor.DEFAULT_ID.equals(id) ? "supervisor_" : "supervisor_" + id + "_") + suffix;
    }

    /**
     * When the context closes, stops the supervisor, its workers and aloops as
     * {@code supervisor.shutdown.*} says. Otherwise pauses: stops the workers that run (draining their
     * queues within the shutdown's timeout, {@link SupervisorShutdown#timeout()}, then forcing them and
     * handing back what is left) and keeps the supervisor.
     * Returns when that is done.
     */
    @Override
    public void stop() {
        Thread thread = stopInBackground(() -> { });
        boolean interrupted = false;
        while (thread != null && thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** As {@link #stop()}, on a thread of its own that calls {@code callback} when it is done. */
    @Override
    public void stop(Runnable callback) {
        if (stopInBackground(callback) == null) {
            callback.run();
        }
    }

    /** Starts the stop on a daemon thread that ends with it; {@code null} when not running. */
    private Thread stopInBackground(Runnable callback) {
        synchronized (monitor) {
            if (!running) {
                return null;
            }
            running = false;
            Runnable stop;
            List<BackgroundWorker> built = workers.stream().map(WorkerFactory.BuiltWorker::worker).toList();
            List<BackgroundWorker> active = built.stream().filter(BackgroundWorker::isActive).toList();
            if (closing.getAsBoolean()) {
                Thread alive = keepAlive;
                keepAlive = null;
                stop = () -> {
                    if (ownsSupervisor) {
                        shutdown.stop(supervisor);
                    } else {
                        stopWorkers(active, "stopped with the context");
                        built.forEach(supervisor::unregisterScheduler);
                    }
                    if (alive != null) {
                        alive.interrupt();
                    }
                };
            } else {
                paused = active;
                stop = () -> stopWorkers(active, "paused");
            }
            Thread thread = new Thread(() -> {
                try {
                    stop.run();
                } catch (RuntimeException | Error e) {
                    log.error("Task supervisor '{}' failed to stop", supervisor.getId(), e);
                } finally {
                    callback.run();
                }
            }, threadName("stop"));
            thread.setDaemon(true);
            stopping = thread;
            thread.start();
            return thread;
        }
    }

    /** Stops these workers, all at once, draining their queues until the shutdown's timeout, then forcing them. */
    private void stopWorkers(List<BackgroundWorker> active, String done) {
        for (BackgroundWorker worker : active) {
            worker.requestStop();
        }
        // One deadline for all, within the phase: Spring stops waiting for this bean when the phase ends.
        Deadline deadline = Deadline.after(shutdown.timeout());
        for (BackgroundWorker worker : active) {
            worker.stop(deadline);
        }
        log.info("Task supervisor '{}': {} worker(s) {}", supervisor.getId(), active.size(), done);
    }

    /**
     * A context closed while paused never calls {@link #stop}: let go of what the stop would have, the
     * keep-alive thread and, on a parent's supervisor, this context's workers.
     */
    @Override
    public void destroy() {
        synchronized (monitor) {
            if (keepAlive != null) {
                keepAlive.interrupt();
                keepAlive = null;
            }
            if (!ownsSupervisor && workers != null) {
                workers.forEach(built -> supervisor.unregisterScheduler(built.worker()));
            }
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
