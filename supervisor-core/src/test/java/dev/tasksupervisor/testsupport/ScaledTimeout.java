package dev.tasksupervisor.testsupport;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.AssertionFailedError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds each test of a stress class by {@value #MINUTES_AT_SCALE_ONE} minutes times the
 * {@link StressScale}, run preemptively: a deadlock fails the build, with every thread's stack
 * logged, instead of hanging it. ({@code @Timeout} takes only a constant.)
 */
public final class ScaledTimeout implements InvocationInterceptor {

    private static final Logger log = LoggerFactory.getLogger(ScaledTimeout.class);

    /** Generous: at scale 1 every stress test takes seconds, on two shared cores. */
    static final int MINUTES_AT_SCALE_ONE = 3;

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        bounded(invocation, extensionContext);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
        bounded(invocation, extensionContext);
    }

    private static void bounded(Invocation<Void> invocation, ExtensionContext context) {
        Duration timeout = StressScale.scaled(Duration.ofMinutes(MINUTES_AT_SCALE_ONE));
        try {
            assertTimeoutPreemptively(timeout, invocation::proceed,
                    () -> context.getDisplayName() + " took longer than " + timeout + " (scale " + StressScale.factor()
                            + "): hung?");
        } catch (AssertionFailedError e) {
            if (e.getMessage() != null && e.getMessage().contains("hung?")) {
                log.error("{} timed out; threads:\n{}", context.getDisplayName(), allStacks());
            }
            throw e;
        }
    }

    private static String allStacks() {
        return Thread.getAllStackTraces().entrySet().stream()
                .map(ScaledTimeout::describe)
                .collect(Collectors.joining("\n"));
    }

    private static String describe(Map.Entry<Thread, StackTraceElement[]> entry) {
        StringBuilder s = new StringBuilder(entry.getKey().getName()).append(" ").append(entry.getKey().getState());
        for (StackTraceElement frame : entry.getValue()) {
            s.append("\n\tat ").append(frame);
        }
        return s.toString();
    }
}
