package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.WorkerKind;

/** The sample's cluster profile: the locked worker takes its ShedLock lock in H2, and skips while another holds it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"sample.cluster.url=jdbc:h2:mem:sample-cluster;DB_CLOSE_DELAY=-1", "sample.cluster.report=100ms",
                "supervisor.workers.clusterReport.lock.at-least-for=50ms", "spring.main.banner-mode=off"})
@ActiveProfiles("cluster")
class SampleClusterProfileTests {

    @Autowired
    private TaskSupervisor supervisor;

    @Autowired
    private ClusterReport clusterReport;

    @Autowired
    private LockProvider lockProvider;

    @Autowired
    private DataSource clusterDataSource;

    @Test
    void theClusterReportRunsUnderItsLockAndSkipsWhileAnotherInstanceHoldsIt() {
        BackgroundWorker worker = supervisor.getWorker("clusterReport");
        assertThat(worker.getKind()).isEqualTo(WorkerKind.INTERVAL);
        assertThat(worker.info().guard()).isEqualTo("ShedLock 'sample-cluster-report', held at most PT1M, at least PT0.05S");
        await().atMost(Duration.ofSeconds(20)).until(() -> clusterReport.reports() >= 2);
        assertThat(new JdbcTemplate(clusterDataSource).queryForObject(
                "SELECT COUNT(*) FROM shedlock WHERE name = 'sample-cluster-report'", Integer.class)).isEqualTo(1);

        // Another instance takes the lock: this one skips its ticks until it is released.
        AtomicReference<Optional<SimpleLock>> other = new AtomicReference<>(Optional.empty());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
            other.set(lockProvider.lock(new LockConfiguration(ClockProvider.now(), "sample-cluster-report",
                    Duration.ofMinutes(1), Duration.ZERO)));
            return other.get().isPresent();
        });
        long skips = worker.getSkips();
        int reports = clusterReport.reports();
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.getSkips() >= skips + 3);
        assertThat(clusterReport.reports()).isEqualTo(reports);

        other.get().orElseThrow().unlock();
        await().atMost(Duration.ofSeconds(20)).until(() -> clusterReport.reports() > reports);
    }
}
