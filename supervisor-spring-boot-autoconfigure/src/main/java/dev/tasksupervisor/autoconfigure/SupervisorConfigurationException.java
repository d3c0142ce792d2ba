package dev.tasksupervisor.autoconfigure;

/**
 * Start-up failed because of the supervisor's configuration: a property, a {@code @Worker} method or a
 * worker bean. Carries what is wrong and how to fix it, which {@link SupervisorFailureAnalyzer} shows.
 */
public class SupervisorConfigurationException extends RuntimeException {

    private final String description;
    private final String action;

    /**
     * @param description what is wrong, naming the property, bean or method
     * @param action how to fix it
     */
    public SupervisorConfigurationException(String description, String action) {
        this(description, action, null);
    }

    /**
     * @param description what is wrong, naming the property, bean or method
     * @param action how to fix it
     * @param cause the underlying error, if any
     */
    public SupervisorConfigurationException(String description, String action, Throwable cause) {
        super(description + " " + action, cause);
        this.description = description;
        this.action = action;
    }

    /** What is wrong, naming the property, bean or method. */
    public String getDescription() {
        return description;
    }

    /** How to fix it. */
    public String getAction() {
        return action;
    }
}
