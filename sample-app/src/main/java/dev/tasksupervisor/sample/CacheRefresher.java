package dev.tasksupervisor.sample;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;

/**
 * An event worker: rebuilds a cache once per trigger ({@code POST /cache/refresh}); triggers that
 * arrive while it runs are coalesced into one more run.
 */
@Component
public class CacheRefresher {

    private static final Logger log = LoggerFactory.getLogger(CacheRefresher.class);

    private final AtomicInteger refreshes = new AtomicInteger();
    private final AuditTrail audit;

    CacheRefresher(AuditTrail audit) {
        this.audit = audit;
    }

    @Worker(event = true)
    void refreshCache() {
        int count = refreshes.incrementAndGet();
        log.info("Cache refreshed (refresh #{})", count);
        audit.record("cache refresh #" + count);
    }

    /** How often the cache has been refreshed. */
    public int refreshes() {
        return refreshes.get();
    }
}
