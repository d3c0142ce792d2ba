/**
 * What a Spring application puts on its beans: {@link dev.tasksupervisor.annotation.Worker @Worker}. Outside
 * the auto-configuration packages, so that application code imports nothing of their internals.
 */
package dev.tasksupervisor.annotation;
