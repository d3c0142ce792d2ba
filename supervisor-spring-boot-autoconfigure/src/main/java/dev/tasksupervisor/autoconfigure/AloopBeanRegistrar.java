package dev.tasksupervisor.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConstructorArgumentValues;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;

/**
 * Registers one {@link Aloop} bean per {@code supervisor.aloops.<name>}, named by
 * {@link #beanName(String)}, created on the {@link TaskSupervisor} bean by {@link AloopBeans}; the default
 * aloop's bean is primary. Bean definitions must exist before any bean is created, hence a registrar that binds the
 * aloops itself rather than reading {@link SupervisorProperties}. The beans are eager even under
 * {@code spring.main.lazy-initialization}: creating the bean creates the aloop, which async workers
 * need whether or not anything injects it.
 */
class AloopBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

    private static final String PROPERTY = "supervisor.aloops";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Map<String, SupervisorProperties.Aloop> aloops = Binder.get(environment)
                .bind(PROPERTY, Bindable.mapOf(String.class, SupervisorProperties.Aloop.class))
                .orElse(Map.of());
        validate(aloops);
        aloops.forEach((name, aloop) -> {
            String beanName = beanName(name);
            if (registry.containsBeanDefinition(beanName)) {
                // The aloop is created with its bean: without the bean there would be no aloop at all.
                String source = registry.getBeanDefinition(beanName).getResourceDescription();
                throw new SupervisorConfigurationException("Bean '" + beanName + "'"
                        + (source != null ? " (defined in " + source + ")" : "") + " has the name of the bean of aloop '"
                        + name + "' (" + PROPERTY + "." + name + "), so the aloop would not be created.",
                        "Rename that bean, or the aloop: the bean of aloop <name> is named <name>Aloop.");
            }
            registry.registerBeanDefinition(beanName, definition(name, aloop));
        });
        if (!aloops.isEmpty() && !registry.containsBeanDefinition(AloopBeans.BEAN_NAME)) {
            RootBeanDefinition factory = new RootBeanDefinition(AloopBeans.class);
            factory.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
            registry.registerBeanDefinition(AloopBeans.BEAN_NAME, factory);
        }
    }

    /**
     * A factory bean, a factory method and argument values rather than an instance supplier: Spring AOT
     * writes such a definition as code (an instance supplier is a lambda it cannot see into), so the
     * aloop beans also exist in an AOT-processed application. Their settings are then those at build time.
     */
    private static RootBeanDefinition definition(String name, SupervisorProperties.Aloop aloop) {
        RootBeanDefinition definition = new RootBeanDefinition();
        definition.setFactoryBeanName(AloopBeans.BEAN_NAME);
        definition.setFactoryMethodName(AloopBeans.FACTORY_METHOD);
        definition.setTargetType(Aloop.class);
        ConstructorArgumentValues arguments = definition.getConstructorArgumentValues();
        arguments.addIndexedArgumentValue(0, name);
        arguments.addIndexedArgumentValue(1, aloop.isDefault());
        arguments.addIndexedArgumentValue(2, aloop.isDaemon());
        arguments.addIndexedArgumentValue(3, aloop.isStart());
        definition.setPrimary(aloop.isDefault());
        definition.setLazyInit(false); // explicit, so lazy initialization leaves it alone
        return definition;
    }

    private static void validate(Map<String, SupervisorProperties.Aloop> aloops) {
        List<String> defaults = new ArrayList<>();
        Map<String, String> byBeanName = new LinkedHashMap<>();
        aloops.forEach((name, aloop) -> {
            if (TaskSupervisor.RESERVED_ALOOP_NAME.equals(name)) {
                throw new SupervisorConfigurationException(PROPERTY + "." + name + " uses the aloop name '" + name
                        + "', which is reserved for the supervisor's own loop.",
                        "Choose another name for the aloop.");
            }
            String other = byBeanName.putIfAbsent(beanName(name), name);
            if (other != null) {
                throw new SupervisorConfigurationException("Aloops '" + other + "' and '" + name + "' (" + PROPERTY
                        + ") would both be the bean '" + beanName(name) + "'.",
                        "Rename one of them so that they differ in more than punctuation and case.");
            }
            if (aloop.isDefault()) {
                defaults.add(name);
            }
        });
        if (defaults.size() > 1) {
            throw new SupervisorConfigurationException("Aloops " + defaults + " are all marked as the default ("
                    + PROPERTY + ".<name>.default=true), but there can be only one.",
                    "Set " + PROPERTY + ".<name>.default=true on one aloop only.");
        }
    }

    /**
     * The bean name of an aloop: its name in camel case followed by {@code Aloop}, so {@code io} becomes
     * {@code ioAloop} and {@code slow-io} (or {@code slow_io}) {@code slowIoAloop}.
     */
    static String beanName(String aloopName) {
        StringBuilder name = new StringBuilder(aloopName.length() + 5);
        boolean upper = false;
        for (char c : aloopName.toCharArray()) {
            if (!Character.isLetterOrDigit(c)) {
                upper = name.length() > 0;
            } else if (upper) {
                name.append(Character.toUpperCase(c));
                upper = false;
            } else {
                name.append(name.length() == 0 ? Character.toLowerCase(c) : c);
            }
        }
        return name.append("Aloop").toString();
    }
}
