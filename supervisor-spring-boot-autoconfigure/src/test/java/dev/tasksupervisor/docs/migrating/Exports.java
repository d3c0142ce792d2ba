package dev.tasksupervisor.docs.migrating;

import static dev.tasksupervisor.docs.migrating.Tables.copy;
import static dev.tasksupervisor.docs.migrating.Tables.page;

import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Service;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.pool.Priority;

/** docs/migrating.md, From ThreadPoolTaskExecutor: tasks spawned on the supervisor. */
@Service
class Exports {

    private final TaskSupervisor supervisor;   // instead of a ThreadPoolTaskExecutor

    Exports(TaskSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    CompletableFuture<Long> export(String table) {
        return supervisor.spawn(() -> copy(table));                 // was executor.submitCompletable(() -> copy(table))
    }

    void alert(String message) {
        supervisor.spawn(Priority.HIGH, () -> page(message));       // was a second executor
    }
}
