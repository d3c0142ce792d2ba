package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.SigtermProbe;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Stopping when the process ends: a plain Java program's JVM shutdown hook, and what a long drain says
 * while it goes on. The hook is tested in a real JVM stopped with SIGTERM.
 */
class ShutdownTests {

    static final int ITEMS = 2000;

    /**
     * A plain Java program: one queue worker at about 5 ms an item, 2,000 items queued (10 s of work), a
     * shutdown hook that drains for 1 s, and {@code main} blocked in {@code block()}.
     */
    public static final class QueuedWorkProgram {

        public static void main(String[] args) throws InterruptedException {
            TaskSupervisor supervisor = new TaskSupervisor("hook-test");
            supervisor.start();
            QueueWorker<Integer> ship = new QueueWorker<>(supervisor, "ship", WorkerTarget.of((Integer item) -> {
                Thread.sleep(5);
                SigtermProbe.record("handled " + item);
            }));
            ship.setUndeliveredHandler(items -> items.forEach(item -> SigtermProbe.record("handed back " + item)));
            ship.start();
            supervisor.registerShutdownHook(StopOptions.defaults().withTimeout(Duration.ofSeconds(1)));
            for (int i = 0; i < ITEMS; i++) {
                ship.put(i);
            }
            SigtermProbe.record("accepted " + ITEMS);
            supervisor.block();
        }
    }

    private final TaskSupervisor supervisor = new TaskSupervisor(SupervisorThreads.uniqueId("shutdown"));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void cleanUp() {
        release.countDown();
        supervisor.stop(Duration.ofSeconds(5));
    }

    @Test
    void sigtermStopsAProgramThatRegisteredTheHookAndEveryItemIsHandledOrHandedBack(@TempDir Path dir)
            throws Exception {
        SigtermProbe probe = SigtermProbe.run(dir, ITEMS, QueuedWorkProgram.class);
        assertThat(probe.handedBack()).as("the hook's deadline ended the drain: the rest was handed back").isNotEmpty();
        assertThat(probe.log()).contains(probe.handedBack().size() + " item(s) of worker 'ship' handed back");
    }

    @Test
    void aStopThatWaitsForADrainSaysHowManyItemsAreLeft() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(SupervisorStop.class);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO); // the tests' configuration logs WARN and above
        logger.addAppender(logs);
        try {
            supervisor.setStopProgressInterval(Duration.ofMillis(50));
            supervisor.start();
            QueueWorker<Integer> ship = new QueueWorker<>(supervisor, "ship", WorkerTarget.of((Integer item) -> release.await()));
            ship.start();
            for (int i = 0; i < 100; i++) {
                ship.put(i);
            }
            CompletableFuture<StopReport> stop = CompletableFuture.supplyAsync(supervisor::stop);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                synchronized (logs) { // the appender appends under its own monitor
                    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).anyMatch(message -> message
                            .contains("draining 'ship': 99 item(s) left") && message.contains("waiting as long as it takes"));
                }
            });
            release.countDown();
            assertThat(stop.join().isComplete()).as("the drain finished: nothing handed back").isTrue();
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(level);
        }
    }

    /** Found by review: forced one after another, workers whose runs ignore their interruption added 100 ms each. */
    @Test
    void workersWhoseRunsIgnoreTheirInterruptionShareOneGraceSoTheStopKeepsItsDeadline() throws Exception {
        int workers = 50;
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(workers + 10).build());
        supervisor.start();
        AtomicBoolean released = new AtomicBoolean();
        List<Thread> stuck = new CopyOnWriteArrayList<>();
        CountDownLatch inRuns = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            new ContinuousWorker(supervisor, "stuck-" + i, WorkerTarget.of(() -> {
                stuck.add(Thread.currentThread());
                inRuns.countDown();
                while (!released.get()) {
                    LockSupport.park(this);
                    Thread.interrupted(); // ignores its interruption, parked again: stuck, not spinning
                }
            })).start();
        }
        inRuns.await();
        long began = System.nanoTime();
        StopReport report = supervisor.stop(Duration.ofMillis(50));
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        released.set(true);
        stuck.forEach(LockSupport::unpark);
        assertThat(report.stuckWorkers()).hasSize(workers);
        // 50 ms, one grace of 100 ms for all, then at least 10 ms each: under a second. Each its own grace: 5 s.
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    /** Found by review: a target calling System.exit waits for the hooks, and a hook without a deadline for it. */
    @Test
    void aHookNeedsATimeout() {
        assertThatThrownBy(() -> supervisor.registerShutdownHook(StopOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a timeout");
    }

    @Test
    void aHookCannotBeRegisteredOnceStopped() {
        supervisor.start();
        supervisor.registerShutdownHook();
        supervisor.stop();
        assertThatThrownBy(supervisor::registerShutdownHook).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("register it before stopping");
    }
}
