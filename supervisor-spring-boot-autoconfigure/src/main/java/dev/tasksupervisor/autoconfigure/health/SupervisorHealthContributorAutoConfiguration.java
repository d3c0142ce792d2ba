package dev.tasksupervisor.autoconfigure.health;

import java.util.Locale;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;
import dev.tasksupervisor.autoconfigure.SupervisorConfigurationException;
import dev.tasksupervisor.autoconfigure.SupervisorProperties;

/**
 * Auto-configuration of the {@code supervisor} health contributor, when Spring Boot's health module is on
 * the class path; {@code management.health.supervisor.enabled=false} switches it off, and
 * {@code management.health.supervisor.overdue-status} sets its status while a worker is overdue.
 *
 * <p>{@code @ConditionalOnEnabledHealthIndicator} sits on the bean method: its condition class lives in the
 * health module, and on the class it would be instantiated (and fail) before {@code @ConditionalOnClass}
 * could switch this off.
 */
@AutoConfiguration(after = SupervisorAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(TaskSupervisor.class)
@EnableConfigurationProperties(SupervisorHealthProperties.class)
public final class SupervisorHealthContributorAutoConfiguration {

    /**
     * Named so that the contributor is {@code supervisor}: Boot drops the {@code HealthIndicator} suffix. An
     * application bean of either name Boot maps to that contributor replaces it, as Boot's own indicators do.
     */
    @Bean
    @ConditionalOnMissingBean(name = {"supervisorHealthIndicator", "supervisorHealthContributor"})
    @ConditionalOnEnabledHealthIndicator("supervisor")
    SupervisorHealthIndicator supervisorHealthIndicator(TaskSupervisor taskSupervisor,
            ObjectProvider<SupervisorProperties> properties, SupervisorHealthProperties healthProperties) {
        SupervisorProperties settings = properties.getIfAvailable();
        return new SupervisorHealthIndicator(taskSupervisor,
                OverdueWorkers.of(taskSupervisor, settings == null ? null : settings.getOverdue()),
                overdueStatus(healthProperties.getOverdueStatus()));
    }

    private static Status overdueStatus(String code) {
        if (code == null || code.isBlank()) {
            throw new SupervisorConfigurationException("management.health.supervisor.overdue-status is blank",
                    "set it to UP (the default), OUT_OF_SERVICE, DOWN or a status of your own");
        }
        // Upper case, as Boot's status order and HTTP mapping compare codes.
        return new Status(code.trim().toUpperCase(Locale.ROOT));
    }
}
