package dev.tasksupervisor.autoconfigure;

import java.time.Duration;

import dev.tasksupervisor.config.InvalidSettingException;

/**
 * Says what the engine's {@link InvalidSettingException} says, in the terms of the Spring configuration:
 * naming where the value came from (a property, or a {@code @Worker} attribute of a method or bean) and
 * what to set there. The engine validates; this only translates.
 */
final class InvalidSettings {

    private InvalidSettings() {
    }

    /**
     * The failure for a value the engine refused as negative or not positive.
     *
     * @param origin where the value came from: {@code supervisor.pool.keep-alive}, or a whole phrase
     *     {@code @Worker(interval = "0s") on method ...}
     * @param zeroMeans what 0 does, for a count that must not be negative
     */
    static SupervisorConfigurationException of(InvalidSettingException e, String origin, String zeroMeans) {
        Object value = e.value();
        return switch (e.rule()) {
            case NOT_NEGATIVE -> new SupervisorConfigurationException(origin + " is " + value
                    + ", but it cannot be negative.", value instanceof Duration
                            ? "Set " + subject(origin) + " to 0 or a positive duration, such as 10ms or 5s."
                            : "Set " + subject(origin) + " to 0 or more (" + zeroMeans + ").", e);
            case POSITIVE -> new SupervisorConfigurationException(origin + " is " + value + ", but it must be positive.",
                    "Set " + subject(origin) + " to a positive duration, such as 500ms or 10s.", e);
            default -> new SupervisorConfigurationException(origin + " is not valid: " + e.getMessage() + ".",
                    "Fix it as the message says.", e);
        };
    }

    /** The same for a duration, which has no "zero means". */
    static SupervisorConfigurationException of(InvalidSettingException e, String origin) {
        return of(e, origin, null);
    }

    /**
     * What the action tells the user to set: a property by its name again, so that the action reads on its
     * own; a {@code @Worker} attribute, whose origin is a whole phrase naming the method, as "it".
     */
    private static String subject(String origin) {
        return origin.startsWith("@") ? "it" : origin;
    }
}
