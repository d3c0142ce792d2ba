package dev.tasksupervisor.autoconfigure;

import java.util.List;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.BeanFactory;

import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * Builds the context's workers, each once: for the worker beans {@link WorkerBeanRegistrar} defines (when
 * something injects one, or when singletons are created), and for {@link SupervisorLifecycle}'s first
 * start, which builds the rest, checks them together, registers and starts them. Whichever comes first
 * builds a worker; the other gets the same one.
 */
final class SupervisorWorkers {

    /** The bean name, which the worker beans' definitions name as their factory. */
    static final String BEAN_NAME = "supervisorWorkers";

    private final WorkerFactory factory;
    private final BeanFactory beanFactory;

    SupervisorWorkers(WorkerFactory factory, BeanFactory beanFactory) {
        this.factory = factory;
        this.beanFactory = beanFactory;
    }

    /**
     * The worker {@code workerName} of a {@code @Worker} method of bean {@code beanName}: the factory
     * method of the worker's bean. Creates that bean if it is not yet, and builds the worker, not started.
     *
     * @throws SupervisorConfigurationException when the worker is misconfigured, as the start would
     */
    BackgroundWorker worker(String beanName, String workerName) {
        Object bean = beanFactory.getBean(beanName);
        Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
        for (var method : WorkerBeanPostProcessor.workerMethods(type).entrySet()) {
            WorkerDeclaration declaration = WorkerDeclaration.ofMethod(beanName, bean, method.getKey(), method.getValue());
            String name = factory.name(declaration);
            if (name.equals(workerName)) {
                WorkerFactory.BuiltWorker built = factory.build(declaration, name);
                if (built == null) {
                    throw new IllegalStateException("worker '" + workerName + "' of bean '" + beanName + "' is disabled");
                }
                return built.worker();
            }
        }
        throw new IllegalStateException("bean '" + beanName + "' has no @Worker method for worker '" + workerName
                + "'; its name resolves otherwise at run time than when the bean definitions were made");
    }

    /**
     * Builds the workers of these declarations not built yet, reuses the others, and checks them together.
     *
     * @throws SupervisorConfigurationException for the first problem found
     */
    List<WorkerFactory.BuiltWorker> create(List<WorkerDeclaration> declarations) {
        return factory.create(declarations);
    }
}
