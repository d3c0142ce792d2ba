package dev.tasksupervisor.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;


/**
 * Auto-configuration of the task supervisor: a started {@code TaskSupervisor} bean configured by
 * {@code supervisor.*}, an {@code Aloop} bean per configured aloop, and {@link dev.tasksupervisor.annotation.Worker @Worker}
 * discovery, with ShedLock locks for workers when ShedLock is on the class path. Switched off by {@code supervisor.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "supervisor.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SupervisorProperties.class)
@Import({SupervisorConfigurations.TaskSupervisorConfiguration.class, AloopBeanRegistrar.class,
        SupervisorConfigurations.WorkerDiscoveryConfiguration.class, ShedLockConfiguration.class})
public final class SupervisorAutoConfiguration {
}
