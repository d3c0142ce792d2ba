package dev.tasksupervisor.autoconfigure;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.StringValueResolver;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * Starts the workers with the application context and stops the task supervisor with it, in
 * {@link #PHASE}: after the web server has drained its requests, so that work they queued is still
 * accepted and handled. While workers are registered, a non-daemon thread keeps the JVM alive
 * ({@code supervisor.keep-alive}), since the supervisor's own threads are daemon threads.
 */
public class SupervisorLifecycle implements SmartLifecycle {

    /**
     * The phase: lower than the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its
     * stop ({@code DEFAULT_PHASE - 2048}), so the supervisor starts before and stops after both.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(SupervisorLifecycle.class);

    private final TaskSupervisor supervisor;
    private final SupervisorProperties properties;
    private final WorkerBeanPostProcessor discovery;
    private final StringValueResolver resolver;
    private final SupervisorShutdown shutdown;

    private final Object monitor = new Object();
    /** Guarded by {@code monitor}. */
    private boolean running;
    /** Guarded by {@code monitor}. */
    private Thread keepAlive;

    /**
     * @param supervisor the supervisor to run the workers on
     * @param properties the worker overrides, the shutdown settings and keep-alive
     * @param discovery where the workers found among the beans are
     * @param resolver resolves {@code ${...}} placeholders in {@code @Worker} attributes
     * @param shutdown stops the supervisor as {@code supervisor.shutdown.*} says
     */
    SupervisorLifecycle(TaskSupervisor supervisor, SupervisorProperties properties, WorkerBeanPostProcessor discovery,
            StringValueResolver resolver, SupervisorShutdown shutdown) {
        this.supervisor = supervisor;
        this.properties = properties;
        this.discovery = discovery;
        this.resolver = resolver;
        this.shutdown = shutdown;
    }

    /**
     * Starts the supervisor if nobody has, then builds, registers and starts the workers.
     *
     * @throws SupervisorConfigurationException when a worker is misconfigured
     */
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
            List<WorkerFactory.BuiltWorker> workers = new WorkerFactory(supervisor, properties.getWorkers(), resolver)
                    .create(discovery.takeDeclarations());
            for (WorkerFactory.BuiltWorker built : workers) {
                supervisor.registerScheduler(built.worker());
            }
            for (WorkerFactory.BuiltWorker built : workers) {
                if (built.autoStart()) {
                    start(built);
                }
            }
            if (properties.isKeepAlive() && !workers.isEmpty()) {
                keepAlive = startKeepAlive();
            }
            running = true;
            log.info("Task supervisor '{}': {} worker(s) registered, {} started", supervisor.getId(), workers.size(),
                    workers.stream().filter(WorkerFactory.BuiltWorker::autoStart).count());
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
        String id = supervisor.getId();
        String name = (TaskSupervisor.DEFAULT_ID.equals(id) ? "supervisor_" : "supervisor_" + id + "_") + "keep_alive";
        Thread thread = new Thread(() -> {
            try {
                supervisor.block();
            } catch (InterruptedException e) {
                // stopped by stop(): nothing more to keep alive
            }
        }, name);
        thread.setDaemon(false);
        thread.start();
        return thread;
    }

    /** Stops the supervisor, its workers and aloops as {@code supervisor.shutdown.*} says. */
    @Override
    public void stop() {
        synchronized (monitor) {
            running = false;
            shutdown.stop(supervisor);
            if (keepAlive != null) {
                keepAlive.interrupt();
                keepAlive = null;
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
