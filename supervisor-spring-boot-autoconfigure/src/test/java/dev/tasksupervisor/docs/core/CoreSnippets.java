package dev.tasksupervisor.docs.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.worker.Scheduler;
import dev.tasksupervisor.worker.SchedulerHandle;

/** The snippets of docs/core.md, one method per block; {@code CoreSnippetsTests} runs them. */
class CoreSnippets {

    /** What the snippets' report task builds. */
    record Report(String text) {
    }

    /** The asynchronous client the aloop snippet calls. */
    interface Client {
        CompletionStage<String> fetchAsync();
    }

    final Client client = () -> CompletableFuture.completedFuture("fetched");

    volatile boolean alerted;
    volatile boolean exported;

    Report buildReport() {
        return new Report("report");
    }

    void sendAlert() {
        alerted = true;
    }

    void exportAll() {
        exported = true;
    }

    String parse() {
        return "parsed";
    }

    /** "The task supervisor". */
    CompletableFuture<Report> theTaskSupervisor() {
        TaskSupervisor supervisor = new TaskSupervisor("my_supervisor"); // new TaskSupervisor() gets a random UUID
        supervisor.setPoolSettings(PoolSettings.builder().minSize(2).maxSize(20).build());
        supervisor.start();

        CompletableFuture<Report> report = supervisor.spawn(() -> buildReport());   // Callable or Runnable
        supervisor.spawn(Priority.HIGH, () -> sendAlert());

        supervisor.stop();                       // wait for tasks and loops, stop workers, cancel nothing
        return report;
    }

    /** "Stopping": neotasker's flags as {@code StopOptions}. */
    void stopping(TaskSupervisor supervisor) {
        supervisor.stop(StopOptions.defaults()
                .withTimeout(Duration.ofSeconds(30))   // wait=30: at most 30 s, then force what is left
                .withStopSchedulers(false)             // stop_schedulers=False: leave the registered workers running
                .withCancelTasks(true));               // cancel_tasks=True: cancel work pending on aloops at once
        supervisor.requestStop(StopOptions.defaults().withTimeout(Duration.ofSeconds(30)));   // the same, without waiting
    }

    /** "Aloops". */
    String aloops(TaskSupervisor supervisor) throws Exception {
        Aloop io = supervisor.createAloop("io", true, true, true); // name, default, daemon, start
        CompletableFuture<String> later = io.spawn(() -> io.sleep(Duration.ofSeconds(1)).thenApply(v -> "done"));
        String now = io.run(() -> client.fetchAsync());            // blocks the caller for the result
        CompletableFuture.supplyAsync(this::parse, io.executor());   // plain tasks on the loop thread
        return now + " " + later.get();
    }

    /** "Own schedulers". */
    void ownSchedulers(TaskSupervisor supervisor) {
        class Exporter implements Scheduler {

            private final AtomicBoolean stopping = new AtomicBoolean();

            @Override
            public String getName() {
                return "exporter";
            }

            @Override
            public void requestStop() {
                stopping.set(true);
            }
        }

        Exporter exporter = new Exporter();
        SchedulerHandle handle = supervisor.registerScheduler(exporter);
        handle.execute(() -> exportAll(), true);   // on the pool, with the task decorator
        supervisor.unregisterScheduler(exporter);  // forgets it; does not stop it
    }
}
