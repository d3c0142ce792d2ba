package dev.tasksupervisor.worker;

import java.util.function.UnaryOperator;

/**
 * A task decorator ({@code TaskSupervisor.setTaskDecorator}) that can tell, on the thread handing work over, that it
 * has nothing to carry from there: a queue worker then keeps a put's item as it is, undecorated, and runs it with
 * the items around it, instead of capturing an empty context for it. The Spring Boot starter's context propagation
 * is one: it carries the current Micrometer Observation, and there is none on most threads that put.
 */
public interface ConditionalTaskDecorator extends UnaryOperator<Runnable> {

    /**
     * Whether the calling thread has a context this decorator would carry. Must be cheap (it is asked once per
     * put) and must not be false where {@link #apply} would capture something.
     */
    boolean hasContext();
}
