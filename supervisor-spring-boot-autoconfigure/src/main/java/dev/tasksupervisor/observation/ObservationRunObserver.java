package dev.tasksupervisor.observation;

import java.util.Objects;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.RunObserver;

/**
 * Makes every run of a supervisor's workers a {@code supervisor.worker.run} observation and every task it spawns
 * a {@code supervisor.task} one ({@link SupervisorObservationDocumentation}). The starter sets one on its
 * supervisor when the application has an {@link ObservationRegistry}; without Spring, set one with
 * {@code TaskSupervisor.setRunObserver}.
 *
 * <p>An observation starts on the thread that runs the work, right before it, and is current there (its scope
 * open) while the target runs: what the target observes in turn (an HTTP call, a query, a put into another
 * worker) is its child, and with tracing the target's log lines carry the run's trace and span ids. Its parent
 * is the observation current when it starts, the caller's when the supervisor's task decorator carries it from
 * the thread that handed the work over (Spring's {@code ContextPropagatingTaskDecorator}, which the starter adds
 * when {@code io.micrometer:context-propagation} is on the class path). An async run's observation is current
 * while its target builds its stage on the aloop, and stops when the stage completes.
 *
 * <p>An in-memory queue worker's items are observed as {@link QueueItemObservation} says: by default
 * ({@link QueueItemObservation#TRACED}) only the runs of items put while an observation was current, which continue that trace; an item put outside any
 * observation runs unobserved (its run still counted and timed by the starter's {@code supervisor.worker.runs}), so
 * that a queue of tiny items does not pay an observation per item that no trace asked for. Every other run (event,
 * interval, plain and durable queue workers, spawned tasks) is observed.
 *
 * <p>While the registry has no handler (Micrometer's no-op registry) nothing is made per run.
 */
public class ObservationRunObserver implements RunObserver {


    private static final WorkerRunObservationConvention DEFAULT_RUN_CONVENTION =
            new DefaultWorkerRunObservationConvention();
    private static final TaskObservationConvention DEFAULT_TASK_CONVENTION = new DefaultTaskObservationConvention();
    /** What a run hears while the registry observes nothing. */
    private static final Run NOT_OBSERVED = failure -> { };

    private final ObservationRegistry registry;
    private final WorkerRunObservationConvention runConvention;
    private final TaskObservationConvention taskConvention;
    private final QueueItemObservation queueItems;

    /** Observations in {@code registry}, named by the default conventions, queue items {@code TRACED}. */
    public ObservationRunObserver(ObservationRegistry registry) {
        this(registry, null, null);
    }

    /**
     * Observations in {@code registry}, named by {@code runConvention} and {@code taskConvention}; either may be
     * {@code null} for the registry's global convention, if it has one, else the default one.
     */
    public ObservationRunObserver(ObservationRegistry registry, WorkerRunObservationConvention runConvention,
            TaskObservationConvention taskConvention) {
        this(registry, runConvention, taskConvention, QueueItemObservation.TRACED);
    }

    /**
     * Observations in {@code registry}, named as above, observing the items of in-memory queue workers as
     * {@code queueItems} says.
     */
    public ObservationRunObserver(ObservationRegistry registry, WorkerRunObservationConvention runConvention,
            TaskObservationConvention taskConvention, QueueItemObservation queueItems) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.runConvention = runConvention;
        this.taskConvention = taskConvention;
        this.queueItems = Objects.requireNonNull(queueItems, "queueItems");
    }

    /** The registry the observations are made in. */
    public ObservationRegistry getRegistry() {
        return registry;
    }

    /** Which queue items' runs are observed. */
    public QueueItemObservation getQueueItems() {
        return queueItems;
    }

    @Override
    public Run runStarted(BackgroundWorker worker) {
        if (registry.isNoop()) {
            return NOT_OBSERVED;
        }
        if (queueItems == QueueItemObservation.TRACED && registry.getCurrentObservation() == null
                && isInMemoryQueue(worker)) {
            return NOT_OBSERVED; // an item put outside any observation: no trace to continue
        }
        WorkerRunObservationContext context = new WorkerRunObservationContext(worker);
        return new Observed(SupervisorObservationDocumentation.WORKER_RUN.observation(runConvention,
                DEFAULT_RUN_CONVENTION, () -> context, registry).start());
    }

    /**
     * A durable queue's items are not among them: they come from the database, with no caller's context to carry,
     * and each costs a commit beside which an observation is small.
     */
    private static boolean isInMemoryQueue(BackgroundWorker worker) {
        return worker instanceof QueueWorker<?> && !(worker instanceof DurableQueueWorker<?>);
    }

    /** A skipped run is an observation that starts and stops at once, its outcome {@code skipped}. */
    @Override
    public void runSkipped(BackgroundWorker worker) {
        if (registry.isNoop()) {
            return;
        }
        WorkerRunObservationContext context = new WorkerRunObservationContext(worker);
        context.setOutcome(RunOutcome.SKIPPED);
        SupervisorObservationDocumentation.WORKER_RUN.observation(runConvention, DEFAULT_RUN_CONVENTION,
                () -> context, registry).start().stop();
    }

    @Override
    public Run taskStarted(Priority priority) {
        if (registry.isNoop()) {
            return NOT_OBSERVED;
        }
        TaskObservationContext context = new TaskObservationContext(priority);
        return new Observed(SupervisorObservationDocumentation.TASK.observation(taskConvention,
                DEFAULT_TASK_CONVENTION, () -> context, registry).start());
    }

    /**
     * One started observation, its scope open on the thread that started it until the run leaves that thread
     * (an async run) or ends. {@code scope} is touched only by that thread: {@link #leave()} comes on it, and so
     * does {@link #end} while the scope is still open.
     */
    private static final class Observed implements Run {

        private final Observation observation;
        private Observation.Scope scope;

        Observed(Observation observation) {
            this.observation = observation;
            this.scope = observation.openScope();
        }

        @Override
        public void leave() {
            closeScope();
        }

        @Override
        public void end(Throwable failure) {
            RunOutcome outcome = failure == null ? RunOutcome.SUCCESS : RunOutcome.ERROR;
            Observation.Context context = observation.getContext();
            if (context instanceof WorkerRunObservationContext run) {
                run.setOutcome(outcome);
            } else if (context instanceof TaskObservationContext task) {
                task.setOutcome(outcome);
            }
            if (failure != null) {
                observation.error(failure); // inside the scope, as Observation.observe(...) records it
            }
            closeScope();
            observation.stop();
        }

        private void closeScope() {
            Observation.Scope open = scope;
            if (open != null) {
                scope = null;
                open.close();
            }
        }
    }
}
