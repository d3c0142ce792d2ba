package dev.tasksupervisor.autoconfigure;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.springframework.util.ClassUtils;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * A worker found at start-up: a {@code @Worker} method of a bean, or a bean that is a worker.
 *
 * @param beanName the bean's name
 * @param bean the bean: the method's owner, or the worker itself
 * @param method the {@code @Worker} method, or {@code null} for a worker bean
 * @param annotation the method's annotation, or the worker bean's class annotation ({@code null} if none)
 */
record WorkerDeclaration(String beanName, Object bean, Method method, Worker annotation) {

    static WorkerDeclaration ofMethod(String beanName, Object bean, Method method, Worker annotation) {
        return new WorkerDeclaration(beanName, bean, method, annotation);
    }

    static WorkerDeclaration ofBean(String beanName, BackgroundWorker worker, Worker annotation) {
        return new WorkerDeclaration(beanName, worker, null, annotation);
    }

    boolean isMethod() {
        return method != null;
    }

    /** The worker bean; only for declarations that are not methods. */
    BackgroundWorker worker() {
        return (BackgroundWorker) bean;
    }

    /** For messages: {@code method Orders.ship(Order) of bean 'orders'} or {@code bean 'heartbeat' (Heartbeat)}. */
    String describe() {
        if (method == null) {
            return "bean '" + beanName + "' (" + ClassUtils.getUserClass(bean).getName() + ")";
        }
        return "method " + method(method) + " of bean '" + beanName + "'";
    }

    static String method(Method method) {
        return ClassUtils.getUserClass(method.getDeclaringClass()).getName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
                + ")";
    }
}
