package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.testsupport.ScaledTimeout;
import dev.tasksupervisor.testsupport.StressScale;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * A hundred application contexts with the starter's auto-configuration (an aloop, an interval, an
 * event and a queue worker each) started and closed in a row: every queued item is handled, no
 * supervisor thread is left behind, and the number of live threads does not grow.
 */
@Tag("stress")
@ExtendWith(ScaledTimeout.class)
class ContextChurnStressTests {

    private static final int ITEMS_PER_CONTEXT = 100;
    /** Threads the JVM or the libraries may start once and keep (a ForkJoin common pool worker, say). */
    private static final int THREAD_TOLERANCE = 4;

    private final String idPrefix = "ctx-stress-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withUserConfiguration(Jobs.class)
            .withPropertyValues("supervisor.pool.min-size=2", "supervisor.aloops.io.default=true");

    @Test
    void aHundredContextsStartedAndClosedInARowLeaveNoThreadBehind() {
        int contexts = StressScale.scaled(100);
        // Supervisor threads of other tests still ending are theirs; any other one found later is ours.
        Set<Thread> before = new HashSet<>(SupervisorThreads.named("supervisor_"));
        runContext(0); // once first: loads the classes and starts the JVM's lazy threads
        await().atMost(Duration.ofSeconds(30)).until(() -> SupervisorThreads.named("supervisor_" + idPrefix).isEmpty());
        int baseline = liveThreads();

        for (int n = 1; n <= contexts; n++) {
            runContext(n);
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(SupervisorThreads.named("supervisor_"))
                .as("supervisor threads left").allMatch(before::contains));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(liveThreads())
                .as("live threads after %d contexts (%d before them)", contexts, baseline)
                .isLessThanOrEqualTo(baseline + THREAD_TOLERANCE));
    }

    /** One context: puts items, triggers the event worker, closes; the close drains the queue. */
    private void runContext(int n) {
        String id = idPrefix + n;
        TaskSupervisor[] supervisor = new TaskSupervisor[1];
        Jobs[] jobs = new Jobs[1];
        contextRunner.withPropertyValues("supervisor.id=" + id).run(context -> {
            assertThat(context).hasNotFailed();
            supervisor[0] = context.getBean(TaskSupervisor.class);
            jobs[0] = context.getBean(Jobs.class);
            QueueWorker<Integer> items = supervisor[0].getQueueWorker("items", Integer.class);
            for (int item = 0; item < ITEMS_PER_CONTEXT; item++) {
                items.put(item);
            }
            supervisor[0].trigger("refresh");
            assertThat(SupervisorThreads.of(id)).as("threads of context %d", n).isNotEmpty();
        });
        assertThat(supervisor[0].getState()).as("supervisor of context %d", n).isEqualTo(SupervisorState.STOPPED);
        assertThat(jobs[0].handled).as("items handled in context %d", n).hasValue(ITEMS_PER_CONTEXT);
    }

    private static int liveThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count();
    }

    /** A worker of each kind that needs no thread of its own, and the beans they live on. */
    @Configuration(proxyBeanMethods = false)
    static class Jobs {

        final AtomicInteger handled = new AtomicInteger();
        final AtomicInteger ticks = new AtomicInteger();
        final AtomicInteger refreshes = new AtomicInteger();

        @Bean
        Jobs.Methods jobMethods() {
            return new Methods(this);
        }

        /** The @Worker methods. */
        static class Methods {

            private final Jobs jobs;

            Methods(Jobs jobs) {
                this.jobs = jobs;
            }

            @Worker(interval = "5ms")
            void tick() {
                jobs.ticks.incrementAndGet();
            }

            @Worker(event = true)
            void refresh() {
                jobs.refreshes.incrementAndGet();
            }

            @Worker(queue = true)
            void items(Integer item) {
                jobs.handled.incrementAndGet();
            }
        }
    }
}
