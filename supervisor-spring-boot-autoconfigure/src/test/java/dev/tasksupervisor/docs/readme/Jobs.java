package dev.tasksupervisor.docs.readme;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;

/** The README's first workers ("A first worker"). */
@Component
class Jobs {

    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    @Worker(cron = "0 0 2 * * *", zone = "Europe/Paris") // at 2:00 every night, Paris time
    void nightlyReport() {
        log.info("nightly report");
    }

    @Worker(interval = "${jobs.heartbeat:10s}")        // an interval worker named "heartbeat"
    void heartbeat() {
        log.info("alive");
    }

    @Worker(queue = true, queueCapacity = 1000)         // a queue worker: once per item, in order
    void ship(Order order) {
        log.info("shipping {}", order);
    }
}
