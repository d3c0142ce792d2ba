package dev.tasksupervisor.autoconfigure;

import java.util.Arrays;

import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;

import net.javacrumbs.shedlock.core.LockProvider;

import dev.tasksupervisor.lock.ShedLockRunGuard;
import dev.tasksupervisor.lock.WorkerLock;
import dev.tasksupervisor.lock.WorkerLockGuards;
import dev.tasksupervisor.worker.RunGuard;

/**
 * Workers' locks through the application's ShedLock {@link LockProvider} bean, looked up when the first
 * locked worker is built (at start-up, once every bean exists), so that an application without locked
 * workers needs no {@code LockProvider}.
 */
final class ShedLockGuards implements WorkerLockGuards {

    /** What a missing or ambiguous provider's failure tells the user to do. */
    static final String ADD_A_LOCK_PROVIDER = "Define a ShedLock LockProvider bean for a store every instance "
            + "shares. For a database: add net.javacrumbs.shedlock:shedlock-provider-jdbc-template, create the "
            + "shedlock table ShedLock documents, and declare @Bean LockProvider lockProvider(DataSource dataSource) "
            + "{ return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()"
            + ".withJdbcTemplate(new JdbcTemplate(dataSource)).usingDbTime().build()); }";

    private final ObjectProvider<LockProvider> lockProviders;

    ShedLockGuards(ObjectProvider<LockProvider> lockProviders) {
        this.lockProviders = lockProviders;
    }

    @Override
    public RunGuard guardFor(String worker, WorkerLock lock) {
        LockProvider provider;
        try {
            provider = lockProviders.getIfAvailable();
        } catch (NoUniqueBeanDefinitionException e) {
            String[] names = e.getBeanNamesFound() == null ? new String[0] : e.getBeanNamesFound().toArray(String[]::new);
            throw new SupervisorConfigurationException("Worker '" + worker + "' takes lock '" + lock.name()
                    + "', but the application has several ShedLock LockProvider beans " + Arrays.toString(names)
                    + " and none of them is @Primary.",
                    "Mark the LockProvider that workers should use @Primary.", e);
        }
        if (provider == null) {
            throw new SupervisorConfigurationException("Worker '" + worker + "' takes lock '" + lock.name()
                    + "', but the application has no ShedLock LockProvider bean.", ADD_A_LOCK_PROVIDER);
        }
        return new ShedLockRunGuard(provider, lock);
    }
}
