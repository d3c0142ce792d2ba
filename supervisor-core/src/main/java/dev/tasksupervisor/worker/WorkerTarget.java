package dev.tasksupervisor.worker;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a worker runs. {@code input} is the queue item for a queue worker, the batch (a {@code List})
 * for a batch queue worker, and {@code null} for the other kinds.
 *
 * <p>The result decides what happens next: {@code null} or anything but {@code false} goes on;
 * {@link Boolean#FALSE} stops the worker. An async target ({@link #isAsync()}, made with
 * {@link #async}) returns a {@link CompletionStage} and runs on an aloop; its stage completing with
 * {@code false} stops the worker likewise.
 *
 * @param <I> the input type: the queue item, a {@code List} of them, or {@code Void}
 */
@FunctionalInterface
public interface WorkerTarget<I> {

    /**
     * Runs the work once.
     *
     * @return {@code false} to stop the worker; for an async target a stage completing so
     */
    Object run(I input, WorkerContext context) throws Exception;

    /** Whether this target returns a {@code CompletionStage} and runs on an aloop. */
    default boolean isAsync() {
        return false;
    }

    /** A target that runs {@code body} and goes on. */
    static <I> WorkerTarget<I> of(Body body) {
        Objects.requireNonNull(body, "body");
        return (input, context) -> {
            body.run();
            return null;
        };
    }

    /** A target that hands each input (queue item or batch) to {@code body} and goes on. */
    static <I> WorkerTarget<I> of(InputBody<I> body) {
        Objects.requireNonNull(body, "body");
        return (input, context) -> {
            body.run(input);
            return null;
        };
    }

    /** An async target: runs on an aloop; its stage completing with {@code false} stops the worker. */
    static <I> WorkerTarget<I> async(AsyncBody<I> body) {
        Objects.requireNonNull(body, "body");
        return new WorkerTarget<>() {
            @Override
            public Object run(I input, WorkerContext context) throws Exception {
                return body.run(input, context);
            }

            @Override
            public boolean isAsync() {
                return true;
            }
        };
    }

    /** Work with no input and no result. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** Work on one input (a queue item or a batch) with no result. */
    @FunctionalInterface
    interface InputBody<I> {
        void run(I input) throws Exception;
    }

    /** Asynchronous work: starts on the aloop thread and must not block it. */
    @FunctionalInterface
    interface AsyncBody<I> {
        CompletionStage<?> run(I input, WorkerContext context) throws Exception;
    }
}
