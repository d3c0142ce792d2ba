package dev.tasksupervisor.docs.durable;

import java.time.Duration;

import javax.sql.DataSource;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.jdbc.JdbcQueueStore;
import dev.tasksupervisor.store.PayloadCodec;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.RetryPolicy;
import dev.tasksupervisor.worker.WorkerTarget;

/** docs/durable-queues.md: a durable queue worker without Spring Boot. */
final class PlainJava {

    private PlainJava() {
    }

    /** Sends a mail; the application's. */
    interface Mail {
        void send(String address);
    }

    static DurableQueueWorker<String> mailer(TaskSupervisor supervisor, DataSource dataSource, Mail mail) {
        JdbcQueueStore store = new JdbcQueueStore(dataSource);
        store.initializeSchema();                               // CREATE ... IF NOT EXISTS
        PayloadCodec<String> text = new PayloadCodec<>() {      // JSON in the Spring layer; any text here
            @Override
            public String write(String address) {
                return "\"" + address + "\"";
            }

            @Override
            public String read(String payload) {
                return payload.substring(1, payload.length() - 1);
            }
        };
        DurableQueueWorker<String> mailer = new DurableQueueWorker<>(supervisor, "mailer",
                WorkerTarget.of(mail::send), store, text);
        mailer.setLease(Duration.ofSeconds(30));
        mailer.setRetryPolicy(RetryPolicy.builder().maxRetries(5).delay(Duration.ofSeconds(1)).build());
        mailer.start();
        mailer.put("ada@example.com");
        return mailer;
    }
}
