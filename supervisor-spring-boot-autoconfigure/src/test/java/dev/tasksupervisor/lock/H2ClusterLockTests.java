package dev.tasksupervisor.lock;

import java.util.UUID;

/** The cluster test on an embedded H2 database, which every build has. */
class H2ClusterLockTests extends ClusterLockContract {

    private final String url = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @Override
    protected String jdbcUrl() {
        return url;
    }
}
