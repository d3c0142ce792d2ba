package dev.tasksupervisor.autoconfigure;

import org.springframework.beans.factory.BeanFactory;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;

/**
 * Creates the aloop beans that {@link AloopBeanRegistrar} defines: each aloop's bean definition names this
 * bean as its factory bean, {@link #createAloop} as its factory method and the aloop's settings as its
 * constructor argument values. A definition of that shape, unlike one with an instance supplier, is one
 * Spring AOT can write as code, so the aloops exist in an AOT-processed application or a native image.
 */
final class AloopBeans {

    /** The bean name of this factory. */
    static final String BEAN_NAME = "supervisorAloopBeans";
    /** The factory method of every aloop bean definition; its parameters are the definition's arguments. */
    static final String FACTORY_METHOD = "createAloop";

    private final BeanFactory beanFactory;

    AloopBeans(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    /**
     * The aloop, created on the context's supervisor, looked up only now so that it may be an application
     * bean or come from a parent context, as any {@link TaskSupervisor} bean may.
     */
    Aloop createAloop(String name, boolean isDefault, boolean daemon, boolean start) {
        return beanFactory.getBean(TaskSupervisor.class).createAloop(name, isDefault, daemon, start);
    }
}
