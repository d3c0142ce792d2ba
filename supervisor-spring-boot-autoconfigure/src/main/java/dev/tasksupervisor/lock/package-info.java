/** Workers that run once per tick across several instances of an application, through ShedLock. */
package dev.tasksupervisor.lock;
