package dev.tasksupervisor.testsupport;

import java.time.Duration;

/**
 * The size factor of the stress tests (tag {@code stress}): {@code -Dsupervisor.stress.scale=10} makes
 * every one of them ten times bigger, and gives each ten times longer before it counts as hung.
 */
public final class StressScale {

    /** The system property that holds the factor; Maven passes it to the forked test JVM. */
    public static final String PROPERTY = "supervisor.stress.scale";

    private StressScale() {
    }

    /** The factor, 1 unless the property says otherwise. */
    public static int factor() {
        String value = System.getProperty(PROPERTY, "1").trim();
        int factor;
        try {
            factor = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be a whole number of at least 1, was '" + value + "'", e);
        }
        if (factor < 1) {
            throw new IllegalArgumentException(PROPERTY + " must be at least 1, was " + factor);
        }
        return factor;
    }

    /** {@code atScaleOne} times the factor. */
    public static int scaled(int atScaleOne) {
        return Math.multiplyExact(atScaleOne, factor());
    }

    /** {@code atScaleOne} times the factor. */
    public static Duration scaled(Duration atScaleOne) {
        return atScaleOne.multipliedBy(factor());
    }
}
