package dev.tasksupervisor.sample;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;

/**
 * A locked interval worker (profile {@code cluster}): every {@code sample.cluster.report} one instance of the
 * application, whichever takes the lock {@code sample-cluster-report} first, writes the report; the others
 * skip that tick.
 */
@Component
@Profile("cluster")
public class ClusterReport {

    private static final Logger log = LoggerFactory.getLogger(ClusterReport.class);

    private final AtomicInteger reports = new AtomicInteger();
    private final String instance = "pid " + ProcessHandle.current().pid();

    @Worker(interval = "${sample.cluster.report:10s}", lock = "sample-cluster-report", lockAtMostFor = "1m")
    void clusterReport() {
        log.info("Cluster report #{} of this instance ({}): the other instances skip this tick",
                reports.incrementAndGet(), instance);
    }

    /** How many reports this instance has written. */
    public int reports() {
        return reports.get();
    }
}
