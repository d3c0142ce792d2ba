/** The measurements JMH does not fit (latencies, schedules, idle cost, stop), each run in a fresh JVM. */
package dev.tasksupervisor.benchmarks.harness;
