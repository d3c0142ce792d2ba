package dev.tasksupervisor.autoconfigure.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.autoconfigure.SupervisorAutoConfiguration;

/**
 * Auto-configuration of the {@code supervisor} health contributor, when Spring Boot's health module is on
 * the class path; {@code management.health.supervisor.enabled=false} switches it off.
 *
 * <p>{@code @ConditionalOnEnabledHealthIndicator} sits on the bean method: its condition class lives in the
 * health module, and on the class it would be instantiated (and fail) before {@code @ConditionalOnClass}
 * could switch this off.
 */
@AutoConfiguration(after = SupervisorAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(TaskSupervisor.class)
public final class SupervisorHealthContributorAutoConfiguration {

    /**
     * Named so that the contributor is {@code supervisor}: Boot drops the {@code HealthIndicator} suffix. An
     * application bean of either name Boot maps to that contributor replaces it, as Boot's own indicators do.
     */
    @Bean
    @ConditionalOnMissingBean(name = {"supervisorHealthIndicator", "supervisorHealthContributor"})
    @ConditionalOnEnabledHealthIndicator("supervisor")
    SupervisorHealthIndicator supervisorHealthIndicator(TaskSupervisor taskSupervisor) {
        return new SupervisorHealthIndicator(taskSupervisor);
    }
}
