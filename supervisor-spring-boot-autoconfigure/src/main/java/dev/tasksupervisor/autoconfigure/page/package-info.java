/**
 * The live page ({@code supervisor.page.enabled}): static files under the actuator's base path that show the
 * {@code supervisor} endpoint in a browser, refreshed live, and post its actions when its access allows.
 */
package dev.tasksupervisor.autoconfigure.page;
