package dev.tasksupervisor.autoconfigure;

import java.util.Arrays;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanNotOfRequiredTypeException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.util.ClassUtils;

import dev.tasksupervisor.lock.WorkerLockGuards;
import dev.tasksupervisor.store.PayloadCodec;
import dev.tasksupervisor.store.QueueStore;
import dev.tasksupervisor.worker.DeadLetterHandler;
import dev.tasksupervisor.worker.UndeliveredHandler;
import dev.tasksupervisor.worker.WorkerErrorHandler;

/**
 * The application's beans that workers use, looked up when the workers are built (so after every bean is
 * defined): ShedLock's run guards, the store and JSON of durable queue workers, and the handlers:
 * {@link WorkerErrorHandler}s, and the {@link DeadLetterHandler}s and {@link UndeliveredHandler}s of queue workers.
 */
final class WorkerBeans {

    private static final Logger log = LoggerFactory.getLogger(WorkerBeans.class);

    private final ListableBeanFactory beans;
    /** Gives null when ShedLock is not on the class path. */
    private final Supplier<WorkerLockGuards> lockGuards;

    WorkerBeans(ListableBeanFactory beans, Supplier<WorkerLockGuards> lockGuards) {
        this.beans = beans;
        this.lockGuards = lockGuards;
    }

    /** The guards for locked workers, or null without ShedLock. */
    WorkerLockGuards lockGuards() {
        return lockGuards.get();
    }

    /**
     * The store that durable worker {@code worker} keeps its items in: the application's {@link QueueStore} bean.
     *
     * @param origin where durability was asked for, for the message
     * @throws SupervisorConfigurationException if the application has none, saying what to add
     */
    QueueStore queueStore(String worker, String origin) {
        QueueStore store = beans.getBeanProvider(QueueStore.class).getIfUnique();
        if (store != null) {
            return store;
        }
        boolean jdbc = ClassUtils.isPresent("dev.tasksupervisor.jdbc.JdbcQueueStore", WorkerBeans.class.getClassLoader());
        throw new SupervisorConfigurationException(origin + " makes worker '" + worker + "' durable, but the application "
                + "has no store for its items: " + (jdbc ? "it has no DataSource (or several QueueStore beans)."
                        : "supervisor-jdbc is not on the class path."),
                jdbc ? "Give the application a DataSource (spring-boot-starter-jdbc and a database such as H2 or "
                        + "PostgreSQL), or define one QueueStore bean."
                        : "Add the dependency dev.tasksupervisor:supervisor-jdbc and a DataSource (spring-boot-starter-jdbc "
                        + "and H2 or PostgreSQL).");
    }

    /**
     * The JSON of a durable worker's items, written with the application's Jackson mapper (or a plain one).
     *
     * @throws SupervisorConfigurationException if Jackson 3 is not on the class path
     */
    PayloadCodec<Object> payloadCodec(WorkerMethod method, String worker) {
        if (!ClassUtils.isPresent("tools.jackson.databind.ObjectMapper", WorkerBeans.class.getClassLoader())) {
            throw new SupervisorConfigurationException("Durable worker '" + worker + "' stores its items as JSON, "
                    + "but Jackson (tools.jackson.core:jackson-databind) is not on the class path.",
                    "Add spring-boot-starter-jackson (web applications have it already).");
        }
        return JacksonCodecs.of(beans, method);
    }

    /**
     * The handler bean of type {@code type} for worker {@code worker}: the bean {@code named} names, or,
     * when it names none, the application's only bean of the type (or its primary one); null if none or
     * several, which is logged, since then no bean applies to every worker.
     *
     * @throws SupervisorConfigurationException if the named bean does not exist, or is of another type
     */
    <H> H handler(Class<H> type, ResolvedSettings.Setting<String> named, String worker, String role) {
        if (named == null) {
            H shared = beans.getBeanProvider(type).getIfUnique();
            String[] all = beans.getBeanNamesForType(type);
            if (shared == null && all.length > 1) {
                log.info("Worker '{}' uses none of the {} beans {}: with several and none @Primary, a worker takes the "
                        + "one it names", worker, type.getSimpleName(), Arrays.toString(all));
            }
            return shared;
        }
        String handlers = Arrays.toString(beans.getBeanNamesForType(type));
        try {
            return beans.getBean(named.value(), type);
        } catch (BeanNotOfRequiredTypeException e) {
            throw new SupervisorConfigurationException(named.origin() + " names bean '" + named.value()
                    + "' as the " + role + " of worker '" + worker + "', but it is a " + e.getActualType().getName()
                    + ", not a " + type.getSimpleName() + ".",
                    "Name a " + type.getSimpleName() + " bean (the application's: " + handlers + "), or make the bean "
                            + "implement " + type.getName() + ".", e);
        } catch (NoSuchBeanDefinitionException e) {
            throw new SupervisorConfigurationException(named.origin() + " names bean '" + named.value()
                    + "' as the " + role + " of worker '" + worker + "', but there is no bean of that name.",
                    "Name one of the application's " + type.getSimpleName() + " beans (" + handlers + "), or define one "
                            + "named '" + named.value() + "'.", e);
        }
    }
}
