package dev.tasksupervisor.autoconfigure;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.BackgroundWorker;

/**
 * Finds the workers among the beans: methods annotated with {@link Worker}, and beans that extend a
 * worker class. It only collects them; {@link SupervisorLifecycle} builds, registers and starts them
 * when the context starts.
 */
final class WorkerBeanPostProcessor implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(WorkerBeanPostProcessor.class);

    /** Classes already seen without any {@code @Worker} method, so that each is scanned once. */
    private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();
    /** Guarded by {@code this}; emptied when the life cycle takes them. */
    private final List<WorkerDeclaration> declarations = new ArrayList<>();
    /** Set once the life cycle has taken the declarations: later ones would be ignored, so they are logged. */
    private boolean taken;

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof AopInfrastructureBean) {
            return bean;
        }
        Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
        Worker onClass = AnnotatedElementUtils.findMergedAnnotation(targetClass, Worker.class);
        if (BackgroundWorker.class.isAssignableFrom(targetClass)) {
            add(WorkerDeclaration.ofBean(beanName, workerBehind(bean, beanName, targetClass), onClass));
            return bean;
        }
        if (onClass != null) {
            throw new SupervisorConfigurationException("@Worker is on class " + targetClass.getName() + " of bean '"
                    + beanName + "', which is not a worker.",
                    "Put @Worker on the bean's methods instead, or make the class extend a worker class "
                            + "(IntervalWorker, QueueWorker, EventWorker, ContinuousWorker).");
        }
        if (nonAnnotatedClasses.contains(targetClass)) {
            return bean;
        }
        Map<Method, Worker> methods = workerMethods(targetClass);
        if (methods.isEmpty()) {
            nonAnnotatedClasses.add(targetClass);
        }
        methods.forEach((method, annotation) -> add(WorkerDeclaration.ofMethod(beanName, bean, method, annotation)));
        return bean;
    }

    /**
     * The worker itself, behind any AOP proxy ({@code @Async}, {@code @Transactional}, ...): a JDK proxy is
     * no worker at all, a class-based one a shell whose calls reach the target, which registers itself
     * when it starts. So the target is what is registered.
     */
    private static BackgroundWorker workerBehind(Object bean, String beanName, Class<?> targetClass) {
        Object target = bean;
        while (target != null && AopUtils.isAopProxy(target)) {
            target = AopProxyUtils.getSingletonTarget(target);
        }
        if (!(target instanceof BackgroundWorker worker)) {
            throw new SupervisorConfigurationException("Worker bean '" + beanName + "' (" + targetClass.getName()
                    + ") is an AOP proxy (" + bean.getClass().getName() + ") without a single target object, so "
                    + "there is no one worker to register.",
                    "Do not proxy the worker bean with a scoped, pooled or swappable target: keep it a plain "
                            + "singleton, and move the advised code to another bean that the worker calls.");
        }
        return worker;
    }

    /**
     * The {@code @Worker} methods of a bean class, as discovery finds them; also what
     * {@link WorkerMethodsAotProcessor} registers for reflection.
     */
    static Map<Method, Worker> workerMethods(Class<?> type) {
        if (!AnnotationUtils.isCandidateClass(type, Worker.class)) {
            return Map.of();
        }
        return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<Worker>) method ->
                AnnotatedElementUtils.findMergedAnnotation(method, Worker.class));
    }

    /** Whether beans of this type are workers or have {@code @Worker} methods. */
    static boolean declaresWorkers(Class<?> type) {
        return type != null && (BackgroundWorker.class.isAssignableFrom(type) || !workerMethods(type).isEmpty());
    }

    private synchronized void add(WorkerDeclaration declaration) {
        if (taken) {
            // Not kept: nothing would register it, and a prototype bean per request would pile up here.
            log.warn("Worker of {} was found after the context started (a lazy or prototype bean?): it is not "
                    + "registered; make the bean an eager singleton, or create and start the worker in code",
                    declaration.describe());
            return;
        }
        declarations.add(declaration);
    }

    /** The workers found, in the order their beans were created; those found from now on are only logged. */
    synchronized List<WorkerDeclaration> takeDeclarations() {
        taken = true;
        List<WorkerDeclaration> found = List.copyOf(declarations);
        declarations.clear();
        return found;
    }
}
