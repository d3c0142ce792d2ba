package dev.tasksupervisor.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link SupervisorConfigurationException} into Spring Boot's start-up failure report. */
class SupervisorFailureAnalyzer extends AbstractFailureAnalyzer<SupervisorConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SupervisorConfigurationException cause) {
        return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
    }
}
