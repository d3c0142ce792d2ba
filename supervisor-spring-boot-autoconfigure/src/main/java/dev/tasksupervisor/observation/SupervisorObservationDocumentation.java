package dev.tasksupervisor.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/** The observations of the task supervisor, with their keys: what the observability docs list. */
public enum SupervisorObservationDocumentation implements ObservationDocumentation {

    /** One run of a worker's target, of any kind; a run its guard refused is one too, outcome {@code skipped}. */
    WORKER_RUN {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultWorkerRunObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return WorkerRunKeyNames.values();
        }
    },

    /** One task spawned on the supervisor's pool, from the moment a pool thread starts it. */
    TASK {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultTaskObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return TaskKeyNames.values();
        }
    };

    /** The low-cardinality keys of {@link #WORKER_RUN}. */
    public enum WorkerRunKeyNames implements KeyName {

        /** The worker's name. */
        WORKER {
            @Override
            public String asString() {
                return "worker";
            }
        },

        /** The worker's kind, lower case: {@code plain}, {@code async}, {@code interval}, {@code queue}, ... */
        KIND {
            @Override
            public String asString() {
                return "kind";
            }
        },

        /** How the run came out: {@code success}, {@code error}, {@code skipped}; {@code unknown} while it runs. */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        }
    }

    /** The low-cardinality keys of {@link #TASK}. */
    public enum TaskKeyNames implements KeyName {

        /** The task's priority, lower case: {@code low}, {@code normal}, {@code high}, {@code critical}. */
        PRIORITY {
            @Override
            public String asString() {
                return "priority";
            }
        },

        /** How the task came out: {@code success}, {@code error}; {@code unknown} while it runs. */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        }
    }
}
