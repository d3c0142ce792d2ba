package dev.tasksupervisor.autoconfigure.jdbc;

import java.util.Arrays;
import java.util.Map;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;

import dev.tasksupervisor.autoconfigure.SupervisorConfigurationException;
import dev.tasksupervisor.autoconfigure.SupervisorProperties;
import dev.tasksupervisor.jdbc.JdbcQueueStore;
import dev.tasksupervisor.store.QueueStore;

/**
 * The store of durable queue workers: a {@link JdbcQueueStore} on the application's {@code DataSource} (the one
 * {@code supervisor.jdbc.data-source} names, else the only or primary one), in the application's transactions
 * when its transaction manager manages that {@code DataSource}, with its schema created per
 * {@code supervisor.jdbc.initialize-schema}. Present when {@code supervisor-jdbc} is on the class path and the
 * application has a {@code DataSource}; an application's own {@link QueueStore} bean replaces it.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "supervisor.enabled", matchIfMissing = true)
@ConditionalOnClass(name = {"dev.tasksupervisor.jdbc.JdbcQueueStore", "org.springframework.boot.jdbc.EmbeddedDatabaseConnection"})
@ConditionalOnBean(DataSource.class)
public final class SupervisorJdbcAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SupervisorJdbcAutoConfiguration.class);

    /** The store, its schema created as configured. */
    @Bean
    @ConditionalOnMissingBean(QueueStore.class)
    JdbcQueueStore supervisorQueueStore(ListableBeanFactory beans, SupervisorProperties properties) {
        SupervisorProperties.Jdbc jdbc = properties.getJdbc();
        DataSource dataSource = dataSource(beans, jdbc.getDataSource());
        PlatformTransactionManager transactions = transactionManager(beans, dataSource);
        JdbcQueueStore store = transactions == null ? new JdbcQueueStore(dataSource)
                : new JdbcQueueStore(dataSource, transactions);
        boolean create = switch (jdbc.getInitializeSchema()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case EMBEDDED -> EmbeddedDatabaseConnection.isEmbedded(dataSource);
        };
        if (create) {
            store.initializeSchema();
            log.debug("Durable queues: schema created where missing on {}", store);
        }
        return store;
    }

    private static DataSource dataSource(ListableBeanFactory beans, String named) {
        String[] all = beans.getBeanNamesForType(DataSource.class);
        if (named != null && !named.isBlank()) {
            try {
                return beans.getBean(named.trim(), DataSource.class);
            } catch (NoSuchBeanDefinitionException e) {
                throw new SupervisorConfigurationException("supervisor.jdbc.data-source names DataSource bean '"
                        + named.trim() + "', which does not exist.",
                        "Name one of the application's DataSource beans " + Arrays.toString(all) + ".", e);
            }
        }
        DataSource only = beans.getBeanProvider(DataSource.class).getIfUnique();
        if (only == null) {
            throw new SupervisorConfigurationException("Durable queue workers need one DataSource, but the application "
                    + "has " + all.length + " " + Arrays.toString(all) + " and none is @Primary.",
                    "Set supervisor.jdbc.data-source to the name of the DataSource bean that keeps durable queues.");
        }
        return only;
    }

    /**
     * The application's transaction manager if it runs the transactions of {@code dataSource} (a JDBC one on it,
     * or a JPA one exposing it), so that a transactional run joins the method's own {@code @Transactional} work;
     * null otherwise: the store then has one of its own on the {@code DataSource}.
     */
    private static PlatformTransactionManager transactionManager(ListableBeanFactory beans, DataSource dataSource) {
        Map<String, PlatformTransactionManager> managers = beans.getBeansOfType(PlatformTransactionManager.class);
        for (PlatformTransactionManager manager : managers.values()) {
            if (manager instanceof ResourceTransactionManager resource && resource.getResourceFactory() == dataSource) {
                return manager;
            }
            BeanWrapper properties = PropertyAccessorFactory.forBeanPropertyAccess(manager);
            if (properties.isReadableProperty("dataSource") && properties.getPropertyValue("dataSource") == dataSource) {
                return manager;
            }
        }
        return null;
    }
}
