package dev.tasksupervisor.testsupport;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.Scheduler;
import dev.tasksupervisor.worker.SchedulerHandle;
import dev.tasksupervisor.worker.WorkerListener;

/** What a supervisor hands its registered schedulers, for tests that check it (the listeners installed, say). */
public final class SchedulerProbe implements Scheduler {

    private SchedulerProbe() {
    }

    /** The handle {@code supervisor} gives its schedulers, got by registering a probe and unregistering it. */
    public static SchedulerHandle handleOf(TaskSupervisor supervisor) {
        SchedulerProbe probe = new SchedulerProbe();
        SchedulerHandle handle = supervisor.registerScheduler(probe);
        supervisor.unregisterScheduler(probe);
        return handle;
    }

    /** The worker listeners {@code supervisor}'s workers tell of their runs now, or {@code null} if none. */
    public static WorkerListener listenerOf(TaskSupervisor supervisor) {
        return handleOf(supervisor).listener();
    }

    @Override
    public String getName() {
        return "scheduler-probe";
    }

    @Override
    public void requestStop() {
        // nothing to stop
    }
}
