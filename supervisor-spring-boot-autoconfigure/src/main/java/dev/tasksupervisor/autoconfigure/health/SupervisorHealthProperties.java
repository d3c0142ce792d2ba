package dev.tasksupervisor.autoconfigure.health;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code supervisor} health component's settings ({@code management.health.supervisor.*}, beside Boot's own
 * {@code management.health.supervisor.enabled}).
 */
@ConfigurationProperties("management.health.supervisor")
public class SupervisorHealthProperties {

    /**
     * The status the supervisor health component reports while a worker is overdue or a queue stale (see
     * supervisor.overdue.*) and nothing is worse: UP (the default) lists them and keeps the application up;
     * OUT_OF_SERVICE, DOWN or a status of your own (add it to management.endpoint.health.status.order).
     */
    private String overdueStatus = "UP";

    public String getOverdueStatus() {
        return overdueStatus;
    }

    public void setOverdueStatus(String overdueStatus) {
        this.overdueStatus = overdueStatus;
    }
}
