package dev.tasksupervisor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/** The durable queue worker's contract on a real PostgreSQL server, when one is named (see {@link PostgreSqlJdbcQueueStoreTests}). */
@Tag("postgresql")
class PostgreSqlDurableQueueWorkerTests extends DurableQueueWorkerContract {

    @Override
    protected DataSource dataSource() {
        return PostgreSqlJdbcQueueStoreTests.database();
    }

    @Test
    void aPutByAnotherInstanceWakesAnIdleWorkerThroughNotifyWithoutWaitingForAPoll() throws InterruptedException {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        DurableQueueWorker<Integer> worker = worker(instance(), store, WorkerTarget.of(ran::add));
        worker.setPollDelay(Duration.ofHours(1)); // only a notice can wake it within the test
        worker.start();
        await().atMost(PATIENCE).until(store::isListening);
        assertThat(worker.awaitIdle(PATIENCE)).isTrue();

        JdbcQueueStore anotherInstance = new JdbcQueueStore(dataSource());
        anotherInstance.put(queue, NUMBERS.write(7), null);

        await().atMost(PATIENCE).until(() -> ran.contains(7));
        worker.stop();
        await().atMost(PATIENCE).until(() -> !store.isListening());
    }
}
