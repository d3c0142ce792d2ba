package dev.tasksupervisor.docs.migrating;

import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;

/** docs/migrating.md, From @Scheduled, after. */
@Component
class Reports {

    @Worker(interval = "60s", initialDelay = "5s")
    void report() {
        // build and send the report
    }

    @Worker(delay = "${cleanup.pause:30s}")
    void cleanUp() {
        // delete what has expired
    }

    @Worker(cron = "0 0 2 * * *", zone = "Europe/Paris")
    void nightly() {
        // the nightly export
    }
}
