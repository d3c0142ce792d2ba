package dev.tasksupervisor.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import net.javacrumbs.shedlock.core.LockProvider;

import dev.tasksupervisor.lock.WorkerLockGuards;

/**
 * Workers' locks through ShedLock, when it is on the class path (the condition names the class, so this
 * configuration is skipped, not loaded, without it). Imported by the supervisor's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "net.javacrumbs.shedlock.core.LockProvider")
class ShedLockConfiguration {

    /** Backs off when the application defines its own way of locking workers. */
    @Bean
    @ConditionalOnMissingBean
    WorkerLockGuards supervisorWorkerLockGuards(ObjectProvider<LockProvider> lockProviders) {
        return new ShedLockGuards(lockProviders);
    }
}
