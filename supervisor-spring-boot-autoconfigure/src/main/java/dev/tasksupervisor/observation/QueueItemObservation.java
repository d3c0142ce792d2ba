package dev.tasksupervisor.observation;

/**
 * Which runs of an in-memory queue worker's items {@link ObservationRunObserver} makes observations
 * ({@code supervisor.observation.queue-items}).
 */
public enum QueueItemObservation {

    /**
     * Only those whose item was put while an observation was current (a request's, another run's): the run's
     * observation is that one's child, in its trace. An item put outside any observation runs unobserved, so that a
     * queue of tiny items does not pay an observation per item that no trace asked for; and the starter's context
     * propagation captures nothing where no observation is current. The default.
     */
    TRACED,

    /** Every item's run, each a trace of its own when its put had none to continue. */
    ALL
}
