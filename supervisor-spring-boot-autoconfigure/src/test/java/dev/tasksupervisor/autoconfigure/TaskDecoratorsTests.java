package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

import io.micrometer.context.ContextSnapshotFactory;

class TaskDecoratorsTests {

    private static final ClassLoader CLASS_PATH = TaskDecoratorsTests.class.getClassLoader();

    private final TaskDecorator mdc = task -> task;

    @Test
    void withoutARunObserverTheApplicationsDecoratorsAreAppliedAsBootsExecutorAppliesThem() {
        assertThat(TaskDecorators.of(List.of(), false, CLASS_PATH)).isNull();
        assertThat(TaskDecorators.of(List.of(mdc), false, CLASS_PATH)).isSameAs(mdc);
        assertThat(TaskDecorators.of(List.of(mdc, mdc), false, CLASS_PATH)).isInstanceOf(CompositeTaskDecorator.class);
    }

    @Test
    void withARunObserverTheCallersContextIsPropagated() {
        assertThat(TaskDecorators.of(List.of(), true, CLASS_PATH)).isInstanceOf(ContextPropagatingTaskDecorator.class);
        assertThat(TaskDecorators.of(List.of(mdc), true, CLASS_PATH)).isInstanceOf(CompositeTaskDecorator.class);
    }

    @Test
    void aPropagatingDecoratorOfTheApplicationIsNotDoubled() {
        TaskDecorator own = new ContextPropagatingTaskDecorator();
        assertThat(TaskDecorators.of(List.of(own), true, CLASS_PATH)).isSameAs(own);
    }

    @Test
    void withoutContextPropagationOnTheClassPathNothingIsAdded() {
        ClassLoader without = new FilteredClassLoader(ContextSnapshotFactory.class);
        assertThat(TaskDecorators.of(List.of(), true, without)).isNull();
        assertThat(TaskDecorators.of(List.of(mdc), true, without)).isSameAs(mdc);
    }
}
