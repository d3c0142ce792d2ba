package dev.tasksupervisor.autoconfigure;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerContext;
import dev.tasksupervisor.worker.WorkerKind;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * A {@code @Worker} method whose signature has been checked against its worker's kind, and the
 * target that calls it. Parameters: at most one input (the queue item, or the batch as a {@code List})
 * and at most one {@link WorkerContext}, in any order; the result: {@code void}, {@code boolean} or a
 * {@link CompletionStage} (async).
 */
final class WorkerMethod implements WorkerTarget<Object> {

    /** What every worker method is called as: the input (or null) and the context, the result (null for void). */
    private static final MethodType CALL = MethodType.methodType(Object.class, Object.class, WorkerContext.class);

    private final Method method;
    /**
     * The method bound to its bean and adapted to {@link #CALL}: a run passes its input and context without
     * the argument array that {@code Method.invoke} needs (24 bytes per queue item).
     */
    private final MethodHandle call;
    private final boolean async;
    private final Class<?> itemType;
    /** The item's declared type with its generics ({@code List<Line>}), for a durable queue's JSON; null without items. */
    private final ResolvableType itemDeclaredType;

    private WorkerMethod(Method method, MethodHandle call, boolean async, Class<?> itemType,
            ResolvableType itemDeclaredType) {
        this.method = method;
        this.call = call;
        this.async = async;
        this.itemType = itemType;
        this.itemDeclaredType = itemDeclaredType;
    }

    /** Whether the method returns a {@code CompletionStage}, which makes its worker async. */
    static boolean returnsStage(Method method) {
        return CompletionStage.class.isAssignableFrom(method.getReturnType());
    }

    /**
     * Checks the method's signature against the kind its worker has.
     *
     * @param batch whether a queue worker hands the method batches
     * @throws SupervisorConfigurationException naming the method, when the signature does not fit
     */
    static WorkerMethod of(WorkerDeclaration declaration, WorkerKind kind, boolean batch) {
        Method method = declaration.method();
        String where = "Method " + WorkerDeclaration.method(method) + " of bean '" + declaration.beanName() + "'";
        String kindName = kind == WorkerKind.QUEUE && batch ? "batch queue" : kind.name().toLowerCase(java.util.Locale.ROOT);
        Class<?> result = method.getReturnType();
        if (!(result == void.class || result == Void.class || result == boolean.class || result == Boolean.class
                || CompletionStage.class.isAssignableFrom(result))) {
            throw new SupervisorConfigurationException(where + " returns " + result.getName()
                    + ", which a worker cannot use.",
                    "Return void, boolean (false stops the worker) or a CompletionStage (an async target, run on an aloop).");
        }
        int inputIndex = -1;
        int contextIndex = -1;
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == WorkerContext.class) {
                if (contextIndex >= 0) {
                    throw new SupervisorConfigurationException(where + " takes two WorkerContext parameters.",
                            "Keep one WorkerContext parameter.");
                }
                contextIndex = i;
            } else if (inputIndex >= 0) {
                throw new SupervisorConfigurationException(where + " takes two inputs, " + types[inputIndex].getSimpleName()
                        + " and " + types[i].getSimpleName() + ", but a worker hands its method at most one "
                        + "(the queue item or the batch) besides a WorkerContext.",
                        "Remove one of the parameters.");
            } else {
                inputIndex = i;
            }
        }
        Class<?> itemType = null;
        ResolvableType declaredType = null;
        if (kind != WorkerKind.QUEUE) {
            if (inputIndex >= 0) {
                throw new SupervisorConfigurationException(where + " takes a " + types[inputIndex].getSimpleName()
                        + ", but " + kindName + " workers hand their method no input.",
                        "Remove the parameter (a WorkerContext parameter is allowed), or make it a queue worker with "
                                + "@Worker(queue = true) to get each queued item.");
            }
        } else if (inputIndex < 0) {
            throw new SupervisorConfigurationException(where + " has no parameter for the "
                    + (batch ? "batch" : "item") + " its " + kindName + " worker hands it.",
                    batch ? "Add a List parameter for the batch (and optionally a WorkerContext)."
                            : "Add one parameter for the queued item (and optionally a WorkerContext).");
        } else if (batch) {
            if (!types[inputIndex].isAssignableFrom(List.class)) {
                throw new SupervisorConfigurationException(where + " takes a " + types[inputIndex].getSimpleName()
                        + ", but a batch queue worker hands its method a List of items.",
                        "Take a List parameter (List<" + types[inputIndex].getSimpleName() + ">), or remove the batch size "
                                + "to get one item per call.");
            }
            declaredType = input(method, inputIndex, declaration).asCollection().getGeneric(0);
            itemType = declaredType.resolve();
        } else {
            declaredType = input(method, inputIndex, declaration);
            itemType = ClassUtils.resolvePrimitiveIfNecessary(declaredType.resolve(Object.class));
        }
        Method invocable;
        try {
            invocable = AopUtils.selectInvocableMethod(method, declaration.bean().getClass());
        } catch (IllegalStateException e) {
            throw new SupervisorConfigurationException(where + " cannot be called through the bean's proxy: "
                    + e.getMessage(),
                    "Make the method public and declare it on an interface the proxy exposes, or proxy the class "
                            + "(proxyTargetClass = true).", e);
        }
        ReflectionUtils.makeAccessible(invocable);
        return new WorkerMethod(invocable, call(declaration.bean(), invocable, inputIndex, contextIndex),
                returnsStage(method), itemType == Object.class ? null : itemType, declaredType);
    }

    /**
     * {@code method} (made accessible) bound to {@code bean} and adapted to {@link #CALL}: its input parameter
     * takes the call's first argument (cast, or unboxed for a primitive, as {@code Method.invoke} would), its
     * {@code WorkerContext} parameter the second, and an argument it has no parameter for is dropped.
     */
    private static MethodHandle call(Object bean, Method method, int inputIndex, int contextIndex) {
        MethodHandle target;
        try {
            target = MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException e) {
            // Not expected once the method is accessible; said plainly should a module refuse it.
            throw new IllegalStateException("cannot call " + WorkerDeclaration.method(method) + ": " + e.getMessage()
                    + "; open its package to dev.tasksupervisor.autoconfigure", e);
        }
        if (!Modifier.isStatic(method.getModifiers())) {
            target = target.bindTo(bean);
        }
        Class<?>[] parameters = new Class<?>[method.getParameterCount()];
        int[] fromCall = new int[parameters.length];
        if (inputIndex >= 0) {
            parameters[inputIndex] = Object.class;
            fromCall[inputIndex] = 0;
        }
        if (contextIndex >= 0) {
            parameters[contextIndex] = WorkerContext.class;
            fromCall[contextIndex] = 1;
        }
        MethodHandle adapted = target.asType(MethodType.methodType(Object.class, parameters));
        return MethodHandles.permuteArguments(adapted, CALL, fromCall);
    }

    /**
     * The input parameter's type as the bean's class sees it: {@code handle(T item)} inherited by a
     * {@code Handler extends Base<String>} takes Strings, not Objects.
     */
    private static ResolvableType input(Method method, int index, WorkerDeclaration declaration) {
        return ResolvableType.forMethodParameter(method, index, ClassUtils.getUserClass(declaration.bean()));
    }

    /**
     * The type of the worker a method of a bean of {@code beanType} gets, for its bean definition:
     * {@code QueueWorker<Order>} for {@code ship(Order)} (or {@code ship(List<Order>)} in batches;
     * {@code DurableQueueWorker<Order>} when durable, which a {@code QueueWorker<Order>} injection point takes too),
     * {@code IntervalWorker}, {@code EventWorker} or {@code ContinuousWorker} for the others. Read from
     * the signature only; {@link #of} checks it when the worker is built.
     */
    static ResolvableType workerType(Method method, Class<?> beanType, WorkerKind kind, boolean batch,
            boolean durable) {
        return switch (kind) {
            case INTERVAL -> ResolvableType.forClass(IntervalWorker.class);
            case EVENT -> ResolvableType.forClass(EventWorker.class);
            case PLAIN, ASYNC -> ResolvableType.forClass(ContinuousWorker.class);
            case QUEUE -> {
                Class<?> item = Object.class;
                Class<?>[] types = method.getParameterTypes();
                for (int i = 0; i < types.length; i++) {
                    if (types[i] != WorkerContext.class) {
                        ResolvableType input = ResolvableType.forMethodParameter(method, i, beanType);
                        Class<?> resolved = batch ? input.asCollection().resolveGeneric(0) : input.resolve();
                        item = resolved == null ? Object.class : ClassUtils.resolvePrimitiveIfNecessary(resolved);
                    }
                }
                yield ResolvableType.forClassWithGenerics(durable ? DurableQueueWorker.class : QueueWorker.class, item);
            }
        };
    }

    /** The item's declared type, generics included; {@code null} for a worker without items. */
    ResolvableType itemDeclaredType() {
        return itemDeclaredType;
    }

    /**
     * Refuses an item the method could not take, at {@code put}, instead of failing its run later.
     *
     * <p>On every {@code put}'s path: the worker's description is joined into the message only when the item
     * is refused (joining it per put cost 40 bytes and a copy per item in the benchmarks).
     *
     * @param workerKind how the message names the kind of worker: {@code "queue worker"}
     * @param workerName the worker's name
     * @throws IllegalArgumentException if the method does not take items of the item's type
     */
    void checkItem(Object item, String workerKind, String workerName) {
        if (item != null && itemType != null && !itemType.isInstance(item)) {
            throw new IllegalArgumentException(workerKind + " '" + workerName + "' takes " + itemType.getName()
                    + " items (its method is " + this + "), not " + item.getClass().getName()
                    + ": put an item of that type");
        }
    }

    /** The type every queued item must have, or {@code null} when any will do. */
    Class<?> itemType() {
        return itemType;
    }

    @Override
    public boolean isAsync() {
        return async;
    }

    @Override
    public Object run(Object input, WorkerContext context) throws Exception {
        try {
            return (Object) call.invokeExact(input, context);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) { // a Throwable that is neither: only a method declaring it can throw one
            throw new UndeclaredThrowableException(t, WorkerDeclaration.method(method) + " threw " + t);
        }
    }

    @Override
    public String toString() {
        return WorkerDeclaration.method(method);
    }
}
