/**
 * What the engine says about bad settings: {@link dev.tasksupervisor.config.InvalidSettingException}, the one
 * exception its validation throws, with the parts a layer above needs to name its own property instead.
 */
package dev.tasksupervisor.config;
