package dev.tasksupervisor.observation;

import java.util.Objects;

import io.micrometer.observation.Observation;

import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.WorkerKind;

/**
 * What the {@code supervisor.worker.run} observation of one run knows: the worker, its name and kind as the run
 * began, and how the run came out. The outcome is set by the time the observation stops.
 */
public class WorkerRunObservationContext extends Observation.Context {

    private final BackgroundWorker worker;
    private final String workerName;
    private final WorkerKind kind;
    /** Written by the thread that ends the run, read by the handlers it then calls. */
    private volatile RunOutcome outcome = RunOutcome.UNKNOWN;

    /** The context of a run of {@code worker} beginning now. */
    public WorkerRunObservationContext(BackgroundWorker worker) {
        this.worker = Objects.requireNonNull(worker, "worker");
        this.workerName = worker.getName();
        this.kind = worker.getKind();
    }

    /** The worker whose target runs. */
    public BackgroundWorker getWorker() {
        return worker;
    }

    /** The worker's name when the run began (a start may rename a worker). */
    public String getWorkerName() {
        return workerName;
    }

    /** The worker's kind. */
    public WorkerKind getKind() {
        return kind;
    }

    /** How the run came out; {@link RunOutcome#UNKNOWN} while it runs. */
    public RunOutcome getOutcome() {
        return outcome;
    }

    /** Sets how the run came out: the supervisor's observer does, before it stops the observation. */
    public void setOutcome(RunOutcome outcome) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }
}
