package dev.tasksupervisor.docs.observability;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.observation.ObservationRunObserver;

/** docs/observability.md: observations and context propagation without Spring Boot. */
class PlainJavaTracing {

    static TaskSupervisor observed(ObservationRegistry registry) {
        TaskSupervisor supervisor = new TaskSupervisor("orders");
        supervisor.setRunObserver(new ObservationRunObserver(registry));
        supervisor.setTaskDecorator(new ContextPropagatingTaskDecorator()::decorate);
        supervisor.start();
        return supervisor;
    }
}
