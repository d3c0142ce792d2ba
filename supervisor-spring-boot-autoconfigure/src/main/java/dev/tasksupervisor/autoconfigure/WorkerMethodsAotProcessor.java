package dev.tasksupervisor.autoconfigure;

import java.lang.reflect.Method;
import java.util.Set;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers, at build time, the reflection a native image needs for {@link WorkerBeanPostProcessor} to find
 * and call each bean's {@code @Worker} methods: the methods themselves, and their counterparts on the bean
 * class's interfaces, which a JDK proxy is called through. It looks for them as the post-processor does,
 * so the hints cover exactly what discovery finds at run time. Registered in {@code META-INF/spring/aot.factories}.
 */
final class WorkerMethodsAotProcessor implements BeanRegistrationAotProcessor {

    @Override
    public BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
        Class<?> beanClass = registeredBean.getBeanClass();
        Set<Method> methods = WorkerBeanPostProcessor.workerMethods(beanClass).keySet();
        if (methods.isEmpty()) {
            return null;
        }
        return (generationContext, code) -> {
            ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
            for (Method method : methods) {
                reflection.registerMethod(method, ExecutableMode.INVOKE);
                for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(beanClass)) {
                    Method declared = ReflectionUtils.findMethod(type, method.getName(), method.getParameterTypes());
                    if (declared != null) {
                        reflection.registerMethod(declared, ExecutableMode.INVOKE);
                    }
                }
            }
        };
    }
}
