package dev.tasksupervisor.autoconfigure;

import java.util.Arrays;
import java.util.function.Supplier;

import org.springframework.beans.factory.BeanNotOfRequiredTypeException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;

import dev.tasksupervisor.lock.WorkerLockGuards;
import dev.tasksupervisor.worker.DeadLetterHandler;

/**
 * The application's beans that workers use, looked up when the workers are built (so after every bean is
 * defined): ShedLock's run guards, and the {@link DeadLetterHandler}s of queue workers.
 */
final class WorkerBeans {

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

    /** The one {@link DeadLetterHandler} bean (or the primary one) for every queue worker; null if none or several. */
    DeadLetterHandler<?> sharedDeadLetterHandler() {
        return beans.getBeanProvider(DeadLetterHandler.class).getIfUnique();
    }

    /**
     * The {@link DeadLetterHandler} bean {@code named} names for worker {@code worker}.
     *
     * @throws SupervisorConfigurationException if there is no such bean, or it is no dead-letter handler
     */
    DeadLetterHandler<?> deadLetterHandler(ResolvedSettings.Setting<String> named, String worker) {
        String handlers = Arrays.toString(beans.getBeanNamesForType(DeadLetterHandler.class));
        try {
            return beans.getBean(named.value(), DeadLetterHandler.class);
        } catch (BeanNotOfRequiredTypeException e) {
            throw new SupervisorConfigurationException(named.origin() + " names bean '" + named.value()
                    + "' as the dead-letter handler of worker '" + worker + "', but it is a " + e.getActualType().getName()
                    + ", not a DeadLetterHandler.",
                    "Name a DeadLetterHandler bean (the application's: " + handlers + "), or make the bean implement "
                            + "dev.tasksupervisor.worker.DeadLetterHandler.", e);
        } catch (NoSuchBeanDefinitionException e) {
            throw new SupervisorConfigurationException(named.origin() + " names bean '" + named.value()
                    + "' as the dead-letter handler of worker '" + worker + "', but there is no bean of that name.",
                    "Name one of the application's DeadLetterHandler beans (" + handlers + "), or define one named '"
                            + named.value() + "'.", e);
        }
    }
}
