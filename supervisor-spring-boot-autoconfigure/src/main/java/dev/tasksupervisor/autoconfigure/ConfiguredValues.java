package dev.tasksupervisor.autoconfigure;

import java.time.Duration;

/**
 * The checks shared by the supervisor's properties and the workers' settings. Each failure names where
 * the value came from (a property, or a {@code @Worker} attribute of a method or bean) and what to set.
 */
final class ConfiguredValues {

    private ConfiguredValues() {
    }

    /**
     * What the action tells the user to set: a property by its name again, so that the action reads on its
     * own; a {@code @Worker} attribute, whose origin is a whole phrase naming the method, as "it".
     */
    private static String subject(String origin) {
        return origin.startsWith("@") ? "it" : origin;
    }

    /** Refuses a missing, zero or negative duration. */
    static void positive(Duration value, String origin) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new SupervisorConfigurationException(origin + " is " + value + ", but it must be positive.",
                    "Set " + subject(origin) + " to a positive duration, such as 500ms or 10s.");
        }
    }

    /** Refuses a negative duration; {@code null} (unset) passes. */
    static void notNegative(Duration value, String origin) {
        if (value != null && value.isNegative()) {
            throw new SupervisorConfigurationException(origin + " is " + value + ", but it cannot be negative.",
                    "Set " + subject(origin) + " to 0 or a positive duration, such as 10ms or 5s.");
        }
    }

    /**
     * Refuses a negative number.
     *
     * @param zeroMeans what 0 does, for the action
     */
    static void notNegative(int value, String origin, String zeroMeans) {
        if (value < 0) {
            throw new SupervisorConfigurationException(origin + " is " + value + ", but it cannot be negative.",
                    "Set " + subject(origin) + " to 0 or more (" + zeroMeans + ").");
        }
    }
}
