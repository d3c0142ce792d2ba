package dev.tasksupervisor.docs.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/** The snippets of docs/workers.md do what the page says. */
class WorkersSnippetsTests {

    private final WorkersSnippets snippets = new WorkersSnippets();

    private final TaskSupervisor supervisor = new TaskSupervisor("workers-snippets");

    @AfterEach
    void stop() {
        supervisor.stop(Duration.ofSeconds(5));
    }

    @Test
    void theKindsHandleTheOrderTheTriggerAndTheBatch() {
        supervisor.createAloop("io", true, true, true);
        supervisor.start();

        snippets.theKinds(supervisor);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(snippets.shipped).containsExactly(snippets.order);
            assertThat(snippets.rebuilds).isEqualTo(1);
            assertThat(snippets.stored).containsExactly(List.of(new WorkersSnippets.Event("started")));
        });
        assertThat(supervisor.getWorker("heartbeat").isActive()).isTrue();
    }

    @Test
    void aForcedStopHandsTheItemsBackToTheHandlerAndTheReport() throws InterruptedException {
        supervisor.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        QueueWorker<WorkersSnippets.Order> orders = new QueueWorker<>(supervisor, "orders", WorkerTarget.of(order -> {
            running.countDown();
            never.await(); // a run that outlasts the stop's 5 s: the forced stop interrupts it
        }));
        orders.start();
        orders.put(new WorkersSnippets.Order("A-1"));
        orders.put(new WorkersSnippets.Order("A-2"));
        running.await();

        List<?> back = snippets.noItemIsLost(orders);

        assertThat(back).hasSize(2);
        assertThat(snippets.backlog.saved).containsExactlyElementsOf(List.of(
                new WorkersSnippets.Order("A-1"), new WorkersSnippets.Order("A-2")));
    }
}
