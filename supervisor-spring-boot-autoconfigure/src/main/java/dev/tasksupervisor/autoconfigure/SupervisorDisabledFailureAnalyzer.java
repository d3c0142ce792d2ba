package dev.tasksupervisor.autoconfigure;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Explains a missing {@code TaskSupervisor}, aloop or worker bean when {@code supervisor.enabled=false}
 * switched the starter off: without it, Spring Boot's report says only that no such bean exists. Ordered
 * first, so that it is asked before Boot's own analysis of a missing bean.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class SupervisorDisabledFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException> {

    private final Environment environment;

    SupervisorDisabledFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
        ResolvableType type = cause.getResolvableType();
        Class<?> missing = type == null ? null : type.resolve();
        if (missing == null || !missing.getName().startsWith("dev.tasksupervisor.")
                || environment.getProperty("supervisor.enabled", Boolean.class, true)) {
            return null;
        }
        return new FailureAnalysis("A bean of type '" + type + "' is required, but there is none: the task "
                + "supervisor's auto-configuration is switched off by supervisor.enabled=false, so it defines no "
                + "TaskSupervisor, aloop or worker beans.",
                "Remove supervisor.enabled=false. To keep the workers from running (in tests, say), set "
                        + "supervisor.auto-start=false instead: the beans are there and no worker starts. Or make "
                        + "the dependency optional (ObjectProvider<" + missing.getSimpleName() + ">).", cause);
    }
}
