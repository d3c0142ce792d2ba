package dev.tasksupervisor.autoconfigure;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * Finds the workers among the beans: methods annotated with {@link Worker}, and beans that extend a
 * worker class. It only collects them; {@link SupervisorLifecycle} builds, registers and starts them
 * when the context starts.
 */
public class WorkerBeanPostProcessor implements BeanPostProcessor {

    /** Classes already seen without any {@code @Worker} method, so that each is scanned once. */
    private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();
    private final List<WorkerDeclaration> declarations = new CopyOnWriteArrayList<>();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof AopInfrastructureBean || bean instanceof TaskSupervisor) {
            return bean;
        }
        Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
        Worker onClass = AnnotatedElementUtils.findMergedAnnotation(targetClass, Worker.class);
        if (bean instanceof BackgroundWorker worker) {
            declarations.add(WorkerDeclaration.ofBean(beanName, worker, onClass));
            return bean;
        }
        if (onClass != null) {
            throw new SupervisorConfigurationException("@Worker is on class " + targetClass.getName() + " of bean '"
                    + beanName + "', which is not a worker.",
                    "Put @Worker on the bean's methods instead, or make the class extend a worker class "
                            + "(IntervalWorker, QueueWorker, EventWorker, ContinuousWorker).");
        }
        if (nonAnnotatedClasses.contains(targetClass) || !AnnotationUtils.isCandidateClass(targetClass, Worker.class)) {
            return bean;
        }
        Map<Method, Worker> methods = MethodIntrospector.selectMethods(targetClass,
                (MethodIntrospector.MetadataLookup<Worker>) method ->
                        AnnotatedElementUtils.findMergedAnnotation(method, Worker.class));
        if (methods.isEmpty()) {
            nonAnnotatedClasses.add(targetClass);
        }
        methods.forEach((method, annotation) ->
                declarations.add(WorkerDeclaration.ofMethod(beanName, bean, method, annotation)));
        return bean;
    }

    /** The workers found so far, in the order their beans were created. */
    List<WorkerDeclaration> declarations() {
        return List.copyOf(declarations);
    }
}
