package dev.tasksupervisor.autoconfigure;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.lock.WorkerLockGuards;
import dev.tasksupervisor.worker.ConditionalTaskDecorator;
import dev.tasksupervisor.worker.RunObserver;

/** The configurations {@link SupervisorAutoConfiguration} imports, grouped by concern. */
final class SupervisorConfigurations {

    private SupervisorConfigurations() {
    }

    /**
     * The task supervisor and its life cycle. The life cycle, its shutdown and the post-processor are
     * machinery of each context, not beans to replace: a child context gets its own, so that its workers
     * are found and run (on the parent's supervisor, if the child has none of its own).
     */
    @Configuration(proxyBeanMethods = false)
    static class TaskSupervisorConfiguration {

        private static final String PHASE_TIMEOUT_PROPERTY = "spring.lifecycle.timeout-per-shutdown-phase";

        /**
         * Read from the environment rather than from Boot's {@code LifecycleProperties}, which the
         * application may not have bound: the same property, the same default.
         */
        @Bean
        SupervisorShutdown supervisorShutdown(SupervisorProperties properties, Environment environment) {
            Duration phaseTimeout = Binder.get(environment).bind(PHASE_TIMEOUT_PROPERTY, Duration.class)
                    .orElse(SupervisorShutdown.DEFAULT_PHASE_TIMEOUT);
            return new SupervisorShutdown(properties.getShutdown(), phaseTimeout);
        }

        /**
         * A started supervisor, so that other beans may spawn tasks while they initialise. Its workers
         * start, and it stops, with {@link SupervisorLifecycle}.
         */
        @Bean
        @ConditionalOnMissingBean
        TaskSupervisor taskSupervisor(SupervisorProperties properties, ObjectProvider<TaskDecorator> taskDecorators,
                ObjectProvider<RunObserver> runObservers, SupervisorShutdown supervisorShutdown, Environment environment,
                ConfigurableListableBeanFactory beanFactory) {
            String id = properties.getId();
            if (id == null || id.isBlank()) {
                throw new SupervisorConfigurationException("supervisor.id is empty.",
                        "Set supervisor.id to a name for the supervisor, or remove it to get 'default'.");
            }
            TaskSupervisor supervisor = new TaskSupervisor(id.trim());
            supervisor.setPoolSettings(SupervisorSettings.poolSettings(properties.getPool(),
                    Threading.VIRTUAL.isActive(environment)));
            SupervisorSettings.pollDelay(supervisor, properties.getPollDelay());
            // A run observer (Micrometer Observation, SupervisorObservationAutoConfiguration) comes with the
            // propagation of the caller's context, so that a run's observation is the child of its caller's.
            RunObserver runObserver = runObservers.getIfUnique();
            supervisor.setRunObserver(runObserver);
            TaskDecorator decorator = TaskDecorators.of(taskDecorators.orderedStream().toList(), runObserver,
                    beanFactory.getBeanClassLoader());
            if (decorator != null) {
                // The conditional one as it is: the supervisor asks it whether a put has anything to carry.
                supervisor.setTaskDecorator(decorator instanceof ConditionalTaskDecorator conditional ? conditional
                        : decorator::decorate);
            }
            supervisorShutdown.track(supervisor);
            supervisor.start();
            return supervisor;
        }

        /**
         * Spring Boot ignores keys that no property binds, so a typo such as {@code supervisor.pool.max-sise}
         * would change nothing without a word: this warns of each one. Static: it needs nothing but the
         * environment; kept eager under {@code spring.main.lazy-initialization}, or nothing would create it.
         */
        @Bean
        static UnknownSupervisorProperties supervisorUnknownProperties(Environment environment) {
            return new UnknownSupervisorProperties(environment);
        }

        @Bean
        static LazyInitializationExcludeFilter supervisorUnknownPropertiesExcludeFilter() {
            return LazyInitializationExcludeFilter.forBeanTypes(UnknownSupervisorProperties.class);
        }

        @Bean
        SupervisorLifecycle supervisorLifecycle(TaskSupervisor taskSupervisor, SupervisorProperties properties,
                WorkerBeanPostProcessor supervisorWorkerBeanPostProcessor, SupervisorWorkers supervisorWorkers,
                ConfigurableListableBeanFactory beanFactory, SupervisorShutdown supervisorShutdown,
                ConfigurableApplicationContext context) {
            // A supervisor from a parent context is the parent's to stop.
            boolean ownsSupervisor = beanFactory.getBeanNamesForType(TaskSupervisor.class, true, false).length > 0;
            return new SupervisorLifecycle(taskSupervisor, properties, supervisorWorkerBeanPostProcessor,
                    supervisorWorkers, supervisorShutdown, context::isClosed, ownsSupervisor);
        }

        /** Builds the workers, for their beans and for the life cycle; named as the worker beans' definitions say. */
        @Bean(SupervisorWorkers.BEAN_NAME)
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        SupervisorWorkers supervisorWorkers(TaskSupervisor taskSupervisor, SupervisorProperties properties,
                ConfigurableListableBeanFactory beanFactory, ObjectProvider<WorkerLockGuards> workerLockGuards) {
            WorkerFactory factory = new WorkerFactory(taskSupervisor, properties.getWorkers(),
                    beanFactory::resolveEmbeddedValue, new WorkerBeans(beanFactory, workerLockGuards::getIfAvailable));
            return new SupervisorWorkers(factory, beanFactory);
        }
    }

    /** Finding {@code @Worker} methods and worker beans. */
    @Configuration(proxyBeanMethods = false)
    static class WorkerDiscoveryConfiguration {

        /** Static, as every bean post-processor's factory method should be: it is created before other beans. */
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static WorkerBeanPostProcessor supervisorWorkerBeanPostProcessor() {
            return new WorkerBeanPostProcessor();
        }

        /** Static, as every bean factory post-processor's factory method should be. */
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static WorkerBeanRegistrar supervisorWorkerBeanRegistrar(Environment environment) {
            return new WorkerBeanRegistrar(environment);
        }

        /**
         * Under {@code spring.main.lazy-initialization}, a bean nobody injects is never created, so its
         * workers would never be found: worker beans stay eager, as Spring Boot keeps {@code @Scheduled} ones.
         */
        @Bean
        static LazyInitializationExcludeFilter supervisorWorkerBeansExcludeFilter() {
            return (beanName, definition, type) -> WorkerBeanPostProcessor.declaresWorkers(type);
        }
    }
}
