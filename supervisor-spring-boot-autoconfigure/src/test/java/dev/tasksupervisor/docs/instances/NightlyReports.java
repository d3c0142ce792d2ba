package dev.tasksupervisor.docs.instances;

import dev.tasksupervisor.annotation.Worker;

/** The snippet of docs/several-instances.md: a worker that runs once per tick across the instances. */
class NightlyReports {

    /** What the report writes to. */
    interface Reports {
        void writeNightly();
    }

    private final Reports reports;

    NightlyReports(Reports reports) {
        this.reports = reports;
    }

    @Worker(interval = "10s", lock = "nightly-report", lockAtMostFor = "5m", lockAtLeastFor = "9s")
    void nightlyReport() {
        reports.writeNightly();
    }
}
