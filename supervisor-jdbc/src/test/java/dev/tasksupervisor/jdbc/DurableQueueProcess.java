package dev.tasksupervisor.jdbc;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.springframework.jdbc.core.JdbcTemplate;

import com.zaxxer.hikari.HikariDataSource;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * One instance of an application with a durable queue worker, in a JVM of its own, for the crash and
 * several-process tests: it runs the items of queue {@code args[1]} in the database at JDBC URL {@code args[0]},
 * each run inserting {@code (item, instance)} into the table {@code args[2]}; {@code args[3]} is {@code plain},
 * {@code transactional} (the insert and the item's removal in one transaction) or {@code slow} (each run takes a
 * while), {@code args[4]} the lease in milliseconds, {@code args[5]} the instance's name. Runs until killed.
 */
public final class DurableQueueProcess {

    private DurableQueueProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        String url = args[0];
        String queue = args[1];
        String table = args[2];
        String mode = args[3];
        Duration lease = Duration.ofMillis(Long.parseLong(args[4]));
        String instance = args[5];
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(4);
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        TaskSupervisor supervisor = new TaskSupervisor(instance);
        supervisor.start();
        DurableQueueWorker<Integer> worker = new DurableQueueWorker<>(supervisor, queue, WorkerTarget.of(item -> {
            if (mode.equals("slow")) {
                Thread.sleep(50); // a slow target: long enough that the instance is caught holding items
            }
            jdbc.update("INSERT INTO " + table + " (item, instance) VALUES (?, ?)", item, instance);
        }), new JdbcQueueStore(pool), DurableQueueWorkerContract.NUMBERS);
        worker.setLease(lease);
        worker.setPollDelay(Duration.ofMillis(100));
        worker.setTransactional(mode.equals("transactional"));
        worker.start();
        new CountDownLatch(1).await(); // until killed
    }
}
