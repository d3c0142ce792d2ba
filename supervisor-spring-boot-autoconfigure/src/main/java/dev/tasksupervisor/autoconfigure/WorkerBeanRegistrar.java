package dev.tasksupervisor.autoconfigure;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.WorkerKind;

/**
 * Makes the worker of every {@code @Worker} method a bean, so that it can be injected by its type with
 * generics ({@code QueueWorker<Order>}) and by its name as qualifier ({@code @Qualifier("ship")}), in
 * constructors too. Bean definitions must exist before any bean is created, so they are made from the
 * classes of the bean definitions, before the beans exist: the bean {@code <name>Worker} (or
 * {@code supervisor.worker.<name>} if that name is taken) is made by {@link SupervisorWorkers#worker},
 * which creates the method's bean and builds its worker; the context's start registers and starts it.
 *
 * <p>Not a bean: a worker disabled by {@code supervisor.workers.<name>.enabled=false} or a cron of {@code "-"},
 * and the worker of a bean whose class cannot be told from its definition (a factory method returning an
 * interface); such a worker still runs and is found with {@code TaskSupervisor.getWorker}. A worker bean (a class that
 * extends a worker class) is a bean already.
 */
final class WorkerBeanRegistrar implements BeanDefinitionRegistryPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(WorkerBeanRegistrar.class);

    private final Environment environment;

    WorkerBeanRegistrar(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
            return;
        }
        Map<String, SupervisorProperties.WorkerSettings> overrides = Binder.get(environment)
                .bind("supervisor.workers", Bindable.mapOf(String.class, SupervisorProperties.WorkerSettings.class))
                .orElse(Map.of());
        Set<String> names = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        Set<String> defined = definedAlready(registry);
        Map<String, RootBeanDefinition> definitions = new LinkedHashMap<>();
        for (String beanName : registry.getBeanDefinitionNames()) {
            Class<?> type = beanType(beanFactory, registry.getBeanDefinition(beanName), beanName);
            if (type == null) {
                continue;
            }
            WorkerBeanPostProcessor.workerMethods(type).forEach((method, annotation) -> {
                String name = workerName(method, annotation);
                SupervisorProperties.WorkerSettings settings = WorkerFactory.settingsOf(overrides, name);
                if (name == null || (settings != null && !settings.isEnabled())
                        || ResolvedSettings.cronOff(annotation, settings, environment::resolvePlaceholders)) {
                    return;
                }
                if (!names.add(name)) {
                    duplicates.add(name); // the start fails on it, naming both methods
                    return;
                }
                boolean batch = annotation.batchSize() != 0 || (settings != null && settings.getBatchSize() != null
                        && settings.getBatchSize() != 0);
                boolean durable = settings != null && settings.getDurable() != null ? settings.getDurable()
                        : annotation.durable();
                RootBeanDefinition definition = definition(beanName, name, type, method, annotation, batch, durable);
                if (definition != null) {
                    definitions.put(name, definition);
                }
            });
        }
        definitions.forEach((name, definition) -> {
            if (!duplicates.contains(name) && !defined.contains(name)) {
                String beanName = name + "Worker";
                if (registry.containsBeanDefinition(beanName) || registry.isAlias(beanName)) {
                    log.debug("Bean name '{}' is taken: the bean of worker '{}' is 'supervisor.worker.{}'", beanName,
                            name, name);
                    beanName = "supervisor.worker." + name;
                }
                registry.registerBeanDefinition(beanName, definition);
            }
        });
    }

    /**
     * The workers whose beans are defined already: by an earlier run of this registrar, as when an
     * application started with Spring AOT runs it again over the definitions generated at build time.
     */
    private static Set<String> definedAlready(BeanDefinitionRegistry registry) {
        Set<String> defined = new HashSet<>();
        for (String beanName : registry.getBeanDefinitionNames()) {
            BeanDefinition definition = registry.getBeanDefinition(beanName);
            if (SupervisorWorkers.BEAN_NAME.equals(definition.getFactoryBeanName())) {
                var name = definition.getConstructorArgumentValues().getIndexedArgumentValue(1, String.class);
                if (name != null && name.getValue() instanceof String worker) {
                    defined.add(worker);
                }
            }
        }
        return defined;
    }

    /** The class of a singleton bean from its definition, without creating anything; null when unknown. */
    private static Class<?> beanType(ConfigurableListableBeanFactory beanFactory, BeanDefinition definition,
            String beanName) {
        if (definition.isAbstract() || !definition.isSingleton()
                || definition.getRole() == BeanDefinition.ROLE_INFRASTRUCTURE) {
            return null;
        }
        try {
            return beanFactory.getType(beanName, false);
        } catch (RuntimeException e) {
            // A class that cannot be loaded fails the start anyway, with Spring's own message.
            return null;
        }
    }

    /** As {@link WorkerFactory#name}; null when a placeholder in the name cannot be resolved yet. */
    private String workerName(Method method, Worker annotation) {
        String named = environment.resolvePlaceholders(annotation.name()).trim();
        if (named.contains("${")) {
            return null;
        }
        return named.isEmpty() ? method.getName() : named;
    }

    /** The definition of a method's worker; null when its kind cannot be told (the start then fails on it). */
    private static RootBeanDefinition definition(String beanName, String name, Class<?> type, Method method,
            Worker annotation, boolean batch, boolean durable) {
        WorkerKind kind;
        try {
            kind = ResolvedSettings.askedKind(new WorkerDeclaration(beanName, null, method, annotation));
        } catch (SupervisorConfigurationException e) {
            return null;
        }
        if (kind == null) {
            kind = WorkerMethod.returnsStage(method) ? WorkerKind.ASYNC : WorkerKind.PLAIN;
        }
        ResolvableType workerType = WorkerMethod.workerType(method, type, kind, batch, durable);
        RootBeanDefinition definition = new RootBeanDefinition();
        definition.setTargetType(workerType);
        definition.setFactoryBeanName(SupervisorWorkers.BEAN_NAME);
        definition.setFactoryMethodName("worker");
        definition.getConstructorArgumentValues().addIndexedArgumentValue(0, beanName);
        definition.getConstructorArgumentValues().addIndexedArgumentValue(1, name);
        definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
        return definition;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    }
}
