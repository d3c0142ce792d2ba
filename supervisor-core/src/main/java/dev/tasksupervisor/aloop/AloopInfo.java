package dev.tasksupervisor.aloop;

/**
 * A point-in-time view of one {@link Aloop}, as the supervisor's info snapshot and the actuator
 * endpoint show it.
 *
 * @param name the aloop's name
 * @param isDefault whether async targets run on it when they name no aloop
 * @param daemon whether its thread is a daemon thread (does not keep the JVM alive)
 * @param state its life-cycle state
 * @param thread the name of its thread
 * @param pending async functions not yet complete plus tasks waiting to run on it
 */
public record AloopInfo(
        String name, boolean isDefault, boolean daemon, AloopState state, String thread, int pending) {

    /** Whether it accepts new work: {@code ACTIVE}. */
    public boolean active() {
        return state == AloopState.ACTIVE;
    }
}
