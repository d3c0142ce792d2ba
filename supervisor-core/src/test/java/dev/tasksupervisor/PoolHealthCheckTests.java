package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.SupervisorThreads;

class PoolHealthCheckTests {

    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("health"));
    private final CountDownLatch release = new CountDownLatch(1);
    private final Logger logger = (Logger) LoggerFactory.getLogger(PoolHealthCheck.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void cleanUp() {
        logger.detachAppender(logs);
        release.countDown();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(5)).withCancelTasks(true));
    }

    @Test
    void saturationIsLoggedOnceAndClearsWhenProbesPassAgain() {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(1)
                .checkInterval(Duration.ofMillis(20)).checkTimeout(Duration.ofMillis(50)).build());
        supervisor.start();
        // A cold JVM may miss the short timeout once while starting its first thread: start from a passing check.
        await().until(() -> supervisor.info().pool().lastCheckLatency() != null && !supervisor.info().pool().saturated());
        long errorsBefore = errors();

        supervisor.spawn(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().until(() -> supervisor.info().pool().saturated());
        // Many check intervals pass while saturated: still exactly one ERROR.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> errors() == errorsBefore + 1 && supervisor.info().pool().saturated());
        assertThat(errorEvents()).last()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains(supervisor.getId()).contains("saturated").contains("consider increasing the pool size"));

        release.countDown();
        await().until(() -> !supervisor.info().pool().saturated());
        assertThat(errors()).isEqualTo(errorsBefore + 1);
    }

    private long errors() {
        return errorEvents().size();
    }

    private List<ILoggingEvent> errorEvents() {
        synchronized (logs) { // the appender adds under its own lock
            return logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        }
    }
}
