package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;

import dev.tasksupervisor.observation.ObservationRunObserver;
import dev.tasksupervisor.observation.QueueItemObservation;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.ConditionalTaskDecorator;
import dev.tasksupervisor.worker.RunObserver;

class TaskDecoratorsTests {

    private static final ClassLoader CLASS_PATH = TaskDecoratorsTests.class.getClassLoader();

    private final TaskDecorator mdc = task -> task;
    /** A run observer other than the starter's: the caller's context is always captured for it. */
    private final RunObserver other = new RunObserver() {
        @Override
        public Run runStarted(BackgroundWorker worker) {
            return failure -> { };
        }

        @Override
        public Run taskStarted(Priority priority) {
            return failure -> { };
        }
    };

    @Test
    void withoutARunObserverTheApplicationsDecoratorsAreAppliedAsBootsExecutorAppliesThem() {
        assertThat(TaskDecorators.of(List.of(), null, CLASS_PATH)).isNull();
        assertThat(TaskDecorators.of(List.of(mdc), null, CLASS_PATH)).isSameAs(mdc);
        assertThat(TaskDecorators.of(List.of(mdc, mdc), null, CLASS_PATH)).isInstanceOf(CompositeTaskDecorator.class);
    }

    @Test
    void withARunObserverTheCallersContextIsPropagated() {
        assertThat(TaskDecorators.of(List.of(), other, CLASS_PATH)).isInstanceOf(ContextPropagatingTaskDecorator.class);
        assertThat(TaskDecorators.of(List.of(mdc), other, CLASS_PATH)).isInstanceOf(CompositeTaskDecorator.class);
    }

    @Test
    void withTheStartersObserverOfTracedQueueItemsTheContextIsCapturedOnlyWhereAnObservationIsCurrent() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        TaskDecorator traced = TaskDecorators.of(List.of(), new ObservationRunObserver(registry), CLASS_PATH);
        TaskDecorator all = TaskDecorators.of(List.of(), new ObservationRunObserver(registry, null, null,
                QueueItemObservation.ALL), CLASS_PATH);
        Runnable task = () -> { };

        assertThat(traced).isInstanceOf(ConditionalTaskDecorator.class);
        assertThat(((ConditionalTaskDecorator) traced).hasContext()).isFalse();
        assertThat(traced.decorate(task)).as("no observation current: nothing to carry").isSameAs(task);
        assertThat(all.decorate(task)).as("ALL captures every caller's thread locals").isNotSameAs(task);
        Observation request = Observation.start("http.server.requests", registry);
        try (Observation.Scope scope = request.openScope()) {
            assertThat(((ConditionalTaskDecorator) traced).hasContext()).isTrue();
            assertThat(traced.decorate(task)).isNotSameAs(task);
        } finally {
            request.stop();
        }
    }

    @Test
    void aPropagatingDecoratorOfTheApplicationIsNotDoubled() {
        TaskDecorator own = new ContextPropagatingTaskDecorator();
        assertThat(TaskDecorators.of(List.of(own), other, CLASS_PATH)).isSameAs(own);
    }

    @Test
    void withoutContextPropagationOnTheClassPathNothingIsAdded() {
        ClassLoader without = new FilteredClassLoader(ContextSnapshotFactory.class);
        assertThat(TaskDecorators.of(List.of(), other, without)).isNull();
        assertThat(TaskDecorators.of(List.of(mdc), other, without)).isSameAs(mdc);
    }
}
