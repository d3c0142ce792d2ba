package dev.tasksupervisor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The crash tests on a real PostgreSQL server (see {@link PostgreSqlJdbcQueueStoreTests}), and three instances
 * sharing one queue.
 */
@Tag("postgresql")
class PostgreSqlDurableQueueCrashTests extends DurableQueueCrashContract {

    @Override
    protected String url() {
        String url = System.getProperty(PostgreSqlJdbcQueueStoreTests.URL_PROPERTY,
                System.getenv(PostgreSqlJdbcQueueStoreTests.URL_VARIABLE));
        assumeTrue(url != null && !url.isBlank(), "no PostgreSQL server");
        return url;
    }

    @Override
    protected DataSource dataSource() {
        return PostgreSqlJdbcQueueStoreTests.database();
    }

    @Test
    void threeInstancesShareThirtyThousandItemsAndNoneRunsTwiceWhenNoneCrashes(TestReporter report) throws Exception {
        int items = 30_000;
        putItems(items);
        for (String name : List.of("one", "two", "three")) {
            instance("plain", name);
        }

        await().atMost(PATIENCE).until(() -> distinctRan() == items);
        awaitEmptyQueue();

        assertThat(ran()).as("none ran twice").isEqualTo(items);
        assertThat(runsPerInstance()).as("each instance took a share").hasSize(3);
        report.publishEntry("30,000 items over three instances", String.valueOf(runsPerInstance()));
    }
}
