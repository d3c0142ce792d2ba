package dev.tasksupervisor.docs.migrating;

import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** docs/migrating.md, From @Scheduled, before. */
@Component
class ReportsBefore {

    @Scheduled(fixedRate = 60, initialDelay = 5, timeUnit = TimeUnit.SECONDS)
    void report() {
        // build and send the report
    }

    @Scheduled(fixedDelayString = "${cleanup.pause:30000}")
    void cleanUp() {
        // delete what has expired
    }

    @Scheduled(cron = "0 0 2 * * *", zone = "Europe/Paris")
    void nightly() {
        // the nightly export
    }
}
