/**
 * The benchmark suite: JMH benchmarks of the supervisor beside the JDK and Spring executors, measured in pairs
 * by {@link dev.tasksupervisor.benchmarks.BenchmarkSuite}, with CPU and bytes per operation.
 */
package dev.tasksupervisor.benchmarks;
