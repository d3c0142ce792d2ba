package dev.tasksupervisor.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.util.ClassUtils;

import io.micrometer.observation.ObservationRegistry;

import dev.tasksupervisor.observation.ObservationRunObserver;
import dev.tasksupervisor.observation.QueueItemObservation;
import dev.tasksupervisor.worker.ConditionalTaskDecorator;
import dev.tasksupervisor.worker.RunObserver;

/**
 * The one task decorator the supervisor gets. The application's {@code TaskDecorator} beans, as Spring Boot's
 * own executor applies them (none, the only one, or all of them in order); and when the supervisor has a run
 * observer and Micrometer's context-propagation is on the class path, Spring's
 * {@link ContextPropagatingTaskDecorator} last, the outermost: it captures the caller's thread locals (its
 * current Observation, so its span) at put, trigger and spawn, and restores them around the run, before the
 * application's decorators run in that context and the run's observation starts as its child. Not added when
 * the application already has one among its beans. With the starter's observer observing queue items
 * {@code TRACED} (the default), it captures only where an observation is current: elsewhere there is no trace to
 * carry, and a put pays one thread-local read instead of a snapshot of every thread local.
 */
final class TaskDecorators {

    private static final String CONTEXT_PROPAGATION = "io.micrometer.context.ContextSnapshotFactory";
    private static final String OBSERVATION = "io.micrometer.observation.ObservationRegistry";

    private TaskDecorators() {
    }

    /**
     * The decorator for {@code decorators}, propagating the caller's context too if there is a {@code runObserver};
     * or null.
     */
    static TaskDecorator of(List<TaskDecorator> decorators, RunObserver runObserver, ClassLoader classLoader) {
        List<TaskDecorator> all = decorators;
        if (runObserver != null && ClassUtils.isPresent(CONTEXT_PROPAGATION, classLoader)
                && !Propagation.isAmong(decorators)) {
            all = new ArrayList<>(decorators);
            all.add(ClassUtils.isPresent(OBSERVATION, classLoader) ? Propagation.decorator(runObserver)
                    : Propagation.decorator());
        }
        if (all.isEmpty()) {
            return null;
        }
        return all.size() == 1 ? all.get(0) : new CompositeTaskDecorator(all);
    }

    /** What needs context-propagation: used only once it is known to be on the class path. */
    private static final class Propagation {

        static boolean isAmong(List<TaskDecorator> decorators) {
            return decorators.stream().anyMatch(ContextPropagatingTaskDecorator.class::isInstance);
        }

        static TaskDecorator decorator() {
            return new ContextPropagatingTaskDecorator();
        }

        /** Only where an observation is current, when {@code runObserver} observes queue items {@code TRACED}. */
        static TaskDecorator decorator(RunObserver runObserver) {
            TaskDecorator propagating = decorator();
            if (runObserver instanceof ObservationRunObserver observations
                    && observations.getQueueItems() == QueueItemObservation.TRACED) {
                return new WhileObserved(observations.getRegistry(), propagating);
            }
            return propagating;
        }
    }

    /**
     * Spring's context propagation where an observation is current, nothing elsewhere: it tells the supervisor so
     * ({@link ConditionalTaskDecorator}), and a queue put on a thread without an observation captures nothing.
     */
    static final class WhileObserved implements TaskDecorator, ConditionalTaskDecorator {

        private final ObservationRegistry registry;
        private final TaskDecorator propagating;

        WhileObserved(ObservationRegistry registry, TaskDecorator propagating) {
            this.registry = registry;
            this.propagating = propagating;
        }

        @Override
        public boolean hasContext() {
            return registry.getCurrentObservation() != null;
        }

        @Override
        public Runnable decorate(Runnable runnable) {
            return hasContext() ? propagating.decorate(runnable) : runnable;
        }

        @Override
        public Runnable apply(Runnable runnable) {
            return decorate(runnable);
        }
    }
}
