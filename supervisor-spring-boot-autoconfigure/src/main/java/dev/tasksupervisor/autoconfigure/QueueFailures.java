package dev.tasksupervisor.autoconfigure;

import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.worker.DeadLetterHandler;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.RetryPolicy;
import dev.tasksupervisor.worker.UndeliveredHandler;

/**
 * Applies what a queue worker does with a failed item: its {@link RetryPolicy} from {@code @Worker(retry)}
 * and {@code supervisor.workers.<name>.retry.*}, its dead-letter and undelivered-items handler beans and its
 * dead-letter capacity.
 * Any retry setting turns retries on: the parts not given keep the worker's own policy if it retries, else
 * the defaults (3 retries after 1 s, doubling, at most 1 min).
 */
final class QueueFailures {

    private QueueFailures() {
    }

    static void apply(QueueWorker<?> worker, ResolvedSettings s, WorkerBeans beans) {
        if (s.retrySet()) {
            worker.setRetryPolicy(policy(worker.getRetryPolicy(), s));
        }
        if (s.deadLetterCapacity != null) {
            try {
                worker.setDeadLetterCapacity(s.deadLetterCapacity.value());
            } catch (InvalidSettingException e) {
                throw new SupervisorConfigurationException(s.deadLetterCapacity.origin() + " is "
                        + s.deadLetterCapacity.value() + ", but a queue worker keeps at least 1 dead letter.",
                        "Set it to 1 or more (default " + QueueWorker.DEFAULT_DEAD_LETTER_CAPACITY + "), or define a "
                                + "DeadLetterHandler bean that stores them elsewhere.", e);
            }
        }
        DeadLetterHandler<?> deadLetters = beans.handler(DeadLetterHandler.class, s.deadLetterHandler, worker.getName(),
                "dead-letter handler");
        if (deadLetters != null) {
            @SuppressWarnings("unchecked")
            DeadLetterHandler<Object> handler = (DeadLetterHandler<Object>) deadLetters;
            asRaw(worker).setDeadLetterHandler(handler);
        }
        UndeliveredHandler<?> undelivered = beans.handler(UndeliveredHandler.class, s.undeliveredHandler,
                worker.getName(), "undelivered-items handler");
        if (undelivered != null) {
            String name = worker.getName();
            @SuppressWarnings("unchecked")
            UndeliveredHandler<Object> handler = (UndeliveredHandler<Object>) undelivered;
            asRaw(worker).setUndeliveredHandler(items -> handler.handle(name, items));
        }
    }

    /** A handler takes the worker's items as they are: a handler bean is written for the item type it gets. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static QueueWorker<Object> asRaw(QueueWorker<?> worker) {
        return (QueueWorker) worker;
    }

    private static RetryPolicy policy(RetryPolicy current, ResolvedSettings s) {
        RetryPolicy.Builder b = current.maxRetries() > 0 ? current.toBuilder() : RetryPolicy.builder();
        WorkerFactory.set(s.retryMaxRetries, b::maxRetries, "0 retries nothing");
        WorkerFactory.set(s.retryDelay, b::delay, null);
        WorkerFactory.set(s.retryMultiplier, b::multiplier, null);
        WorkerFactory.set(s.retryMaxDelay, b::maxDelay, null);
        WorkerFactory.set(s.retryJitter, b::jitter, null);
        if (s.retryIncludes != null) {
            b.includes(s.retryIncludes.value());
        }
        if (s.retryExcludes != null) {
            b.excludes(s.retryExcludes.value());
        }
        try {
            return b.build();
        } catch (InvalidSettingException e) {
            // The delay is above the longest delay: name what was set, the other may be a default.
            ResolvedSettings.Setting<?> culprit = s.retryMaxDelay != null ? s.retryMaxDelay : s.retryDelay;
            throw new SupervisorConfigurationException(culprit.origin() + " makes the retry delay (" + e.value()
                    + ") longer than the longest retry delay (" + e.otherValue() + ").",
                    "Lower the retry delay, or raise the max-delay (maxDelay), so that delay <= max-delay.", e);
        }
    }
}
