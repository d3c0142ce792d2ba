package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerState;
import dev.tasksupervisor.worker.WorkerTarget;

/**
 * Faults a target can throw at the supervisor, and what the supervisor does about each: a target that
 * always fails, one that blocks forever, one that ignores interruption, an interrupted {@code put},
 * aloop work that never completes. Pool saturation is {@code PoolHealthCheckTest} (log, snapshot) and
 * the health indicator's tests (DOWN, then UP).
 */
@Timeout(60)
class FaultsTests {

    private final String id = SupervisorThreads.uniqueId("faults");
    private final TaskSupervisor supervisor = new TaskSupervisor(id);
    /** Opened after each test, so nothing a test blocked outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(TaskSupervisor.class),
            (Logger) LoggerFactory.getLogger(SupervisorStop.class), (Logger) LoggerFactory.getLogger(BackgroundWorker.class));

    @BeforeEach
    void setUp() {
        logs.start();
        loggers.forEach(logger -> logger.addAppender(logs));
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(8).build());
        supervisor.start();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(10)).withCancelTasks(true));
        loggers.forEach(logger -> logger.detachAppender(logs));
    }

    @Test
    void aTargetThatAlwaysThrowsKeepsItsWorkerRunningEveryFailureCountedAndTheRepeatsLoggedAsOneCount() {
        AtomicInteger attempts = new AtomicInteger();
        IntervalWorker worker = new IntervalWorker(supervisor, "always-fails", Duration.ofMillis(5), WorkerTarget.of(() -> {
            throw new IllegalStateException("failure " + attempts.incrementAndGet());
        }));
        worker.start();

        await().until(() -> worker.getFailures() >= 5);
        worker.stop();
        assertThat(worker.getFailures()).isEqualTo(worker.getRuns()).isEqualTo(attempts.get());
        // The first failure in full, the same one again as one line with the count when the worker stops.
        await().until(() -> messages(Level.ERROR, "Worker 'always-fails' failed").size() == 2);
        List<String> logged = messages(Level.ERROR, "Worker 'always-fails' failed");
        assertThat(logged.get(0)).isEqualTo("Worker 'always-fails' failed: java.lang.IllegalStateException: failure 1");
        assertThat(logged.get(1)).startsWith(String.format(Locale.ROOT, "Worker 'always-fails' failed %,d more time(s)",
                attempts.get() - 1))
                .contains("failure " + attempts.get());
    }

    @Test
    void aCustomErrorHandlerSeesEveryExceptionAndTheWorkerGoesOn() {
        AtomicInteger attempts = new AtomicInteger();
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        EventWorker worker = new EventWorker(supervisor, "handled", WorkerTarget.of(() -> {
            throw new IllegalArgumentException("failure " + attempts.incrementAndGet());
        }));
        worker.setErrorHandler((failed, error) -> {
            assertThat(failed).isSameAs(worker);
            seen.add(error);
        });
        worker.start();

        for (int i = 1; i <= 5; i++) {
            worker.triggerNow();
            int expected = i;
            await().until(() -> seen.size() == expected);
        }
        assertThat(worker.isActive()).isTrue();
        assertThat(seen).extracting(Throwable::getMessage)
                .containsExactly("failure 1", "failure 2", "failure 3", "failure 4", "failure 5");
        assertThat(worker.getFailures()).isEqualTo(5);
        assertThat(messages(Level.ERROR, "Worker 'handled' failed")).as("the custom handler replaces the log").isEmpty();
    }

    @Test
    void aTargetThatBlocksForeverIsInterruptedAtTheStopTimeoutAndTheReportSaysWhatWasLeft() throws Exception {
        // A poll delay far above what an interrupted target needs to end: the stop does not wait it out.
        supervisor.setPollDelay(Duration.ofSeconds(30));
        CountDownLatch inRun = new CountDownLatch(1);
        AtomicReference<Throwable> endedWith = new AtomicReference<>();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "blocks-forever", WorkerTarget.of(item -> {
            inRun.countDown();
            try {
                new CountDownLatch(1).await(); // nothing ever opens it
            } catch (InterruptedException e) {
                endedWith.set(e);
                throw e;
            }
        }));
        worker.start();
        for (int i = 1; i <= 3; i++) {
            worker.put(i);
        }
        CompletableFuture<Void> blockedTask = supervisor.spawn(() -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        inRun.await();

        long began = System.nanoTime();
        StopReport report = supervisor.stop(Duration.ofMillis(300));
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(10));
        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
        assertThat(endedWith.get()).isInstanceOf(InterruptedException.class);
        assertThat(blockedTask).isDone();
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        assertThat(report.isComplete()).isFalse();
        assertThat(report.forcedWorkers()).containsExactly("blocks-forever");
        assertThat(report.stuckWorkers()).isEmpty();
        assertThat(report.undeliveredItems()).containsOnlyKeys("blocks-forever");
        // The item whose run the stop interrupted was not handled: it is handed back first (it was lost before).
        assertThat(List.<Object>copyOf(report.undeliveredItems().get("blocks-forever"))).containsExactly(1, 2, 3);
        assertThat(report.runningTasks()).isZero();
        assertThat(report.toString()).contains("[blocks-forever] interrupted").contains("3 item(s) of worker 'blocks-forever'");
        assertThat(messages(Level.WARN, "Task supervisor '" + id + "' stopped in")).singleElement()
                .satisfies(message -> assertThat(message).contains("with work left").contains("blocks-forever"));
        await().until(() -> SupervisorThreads.of(id).isEmpty());
    }

    @Test
    void aTargetThatIgnoresInterruptionDoesNotHoldUpTheStopAndTheReportNamesIt() throws Exception {
        CountDownLatch inRun = new CountDownLatch(1);
        EventWorker worker = new EventWorker(supervisor, "stubborn", WorkerTarget.of(() -> {
            inRun.countDown();
            awaitIgnoringInterrupts(release);
        }));
        worker.start();
        worker.trigger();
        await().until(() -> inRun.getCount() == 0);

        long began = System.nanoTime();
        StopReport report = supervisor.stop(Duration.ofMillis(200));
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
        assertThat(supervisor.awaitStop(Duration.ZERO)).isTrue();
        assertThat(report.stuckWorkers()).containsExactly("stubborn");
        assertThat(report.runningTasks()).isEqualTo(1);
        assertThat(report.toString()).contains("[stubborn] still running although interrupted");
        assertThat(supervisor.getStopReport()).contains(report);
        assertThat(worker.isRunning()).isTrue();
        assertThat(messages(Level.WARN, "Worker 'stubborn' did not finish its run")).hasSize(1);

        release.countDown();
        await().until(() -> !worker.isRunning());
        await().until(() -> SupervisorThreads.of(id).isEmpty());
    }

    @Test
    void aThreadInterruptedWhileBlockedInPutOnAFullQueueGetsInterruptedExceptionAndTheItemIsNotEnqueued()
            throws Exception {
        List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch inRun = new CountDownLatch(1);
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "full", WorkerTarget.of(item -> {
            inRun.countDown();
            release.await();
            handled.add(item);
        }));
        worker.setCapacity(1);
        worker.start();
        worker.put(1);
        inRun.await();
        worker.put(2); // fills the queue

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread putter = new Thread(() -> {
            try {
                worker.put(3, Duration.ofMinutes(5));
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "faults-putter");
        putter.start();
        await().until(() -> putter.getState() == Thread.State.TIMED_WAITING);
        putter.interrupt();
        putter.join();

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(worker.getQueueSize()).isEqualTo(1);
        release.countDown();
        assertThat(worker.stop().undelivered(worker.getName())).isEmpty();
        assertThat(handled).containsExactly(1, 2);
    }

    @Test
    void aloopWorkThatNeverCompletesIsCancelledByAStopWithCancelTasksAndReported() {
        Aloop loop = supervisor.createAloop("never");
        CompletableFuture<Object> never = loop.spawn(CompletableFuture::new);

        supervisor.stop(StopOptions.defaults().withCancelTasks(true));

        assertThatThrownBy(never::join).isInstanceOf(CancellationException.class);
        assertThat(supervisor.getStopReport()).hasValueSatisfying(report ->
                assertThat(report.cancelledAloopWork()).containsEntry("never", 1));
        await().until(() -> SupervisorThreads.of(id).isEmpty());
    }

    @Test
    void aTaskDecoratorThatFailsAroundAQueuedItemIsAFailedRunOfThatItemNotASilentDrop() {
        TaskSupervisor decorated = new TaskSupervisor(SupervisorThreads.uniqueId("faults-decorator"));
        AtomicInteger decorations = new AtomicInteger();
        Thread putter = Thread.currentThread();
        decorated.setTaskDecorator(task -> {
            if (Thread.currentThread() != putter) {
                return task; // the pool's own health probes
            }
            // The putter's thread captures; the pool thread runs the wrapper, which fails for item 2.
            int n = decorations.incrementAndGet();
            return () -> {
                if (n == 2) {
                    throw new IllegalStateException("no security context");
                }
                task.run();
            };
        });
        decorated.start();
        try {
            List<Integer> handled = new CopyOnWriteArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            QueueWorker<Integer> worker = new QueueWorker<>(decorated, "decorated", WorkerTarget.of(handled::add));
            worker.setErrorHandler((w, error) -> failures.add(error));
            worker.start();
            worker.put(1);
            worker.put(2);
            worker.put(3);
            assertThat(worker.stop().undelivered(worker.getName())).isEmpty();

            assertThat(handled).containsExactly(1, 3);
            assertThat(worker.getFailures()).isEqualTo(1);
            assertThat(failures).singleElement().satisfies(error -> {
                assertThat(error).hasMessage("worker 'decorated' did not run its target for item 2: the task decorator "
                        + "around the run failed; fix the TaskDecorator");
                assertThat(error.getCause()).hasMessage("no security context");
            });
        } finally {
            decorated.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTaskThatEndsWhenInterruptedIsNotReportedAsStillRunningEvenWithAZeroPollDelay() throws Exception {
        supervisor.setPollDelay(Duration.ZERO);
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Void> sleeper = supervisor.spawn(() -> {
            running.countDown();
            try {
                Thread.sleep(Duration.ofHours(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // ends at once
            }
        });
        running.await();

        StopReport report = supervisor.stop(Duration.ofMillis(100));

        assertThat(sleeper).isDone();
        assertThat(report.runningTasks()).as(report.toString()).isZero();
    }

    @Test
    void aTaskDecoratorThatFailsAroundAPlainWorkerIsAFailedRunAndStopsIt() {
        TaskSupervisor decorated = new TaskSupervisor(SupervisorThreads.uniqueId("faults-plain"));
        decorated.setTaskDecorator(task -> () -> {
            throw new IllegalStateException("no tenant on this thread");
        });
        decorated.start();
        try {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicInteger runs = new AtomicInteger();
            ContinuousWorker worker = new ContinuousWorker(decorated, "plain", WorkerTarget.of(runs::incrementAndGet));
            worker.setErrorHandler((w, error) -> failures.add(error));
            worker.start();

            await().until(worker::isStopped);
            assertThat(runs).hasValue(0);
            assertThat(worker.getFailures()).isEqualTo(1);
            assertThat(failures).singleElement().satisfies(error -> {
                assertThat(error).hasMessage("worker 'plain' did not run its target: the task decorator around the run "
                        + "failed; fix the TaskDecorator");
                assertThat(error.getCause()).hasMessage("no tenant on this thread");
            });
        } finally {
            assertThat(decorated.stop(Duration.ofSeconds(10)).isComplete()).isTrue();
        }
    }

    @Test
    void aStopWithADeadlineAndCancelTasksReturnsEvenIfAnAloopThreadIsStuck() throws Exception {
        Aloop loop = supervisor.createAloop("stuck", false, true, true);
        CountDownLatch onLoop = new CountDownLatch(1);
        loop.spawn(() -> {
            onLoop.countDown();
            awaitIgnoringInterrupts(release); // blocks the loop thread: what an async function must never do
            return CompletableFuture.completedFuture(null);
        });
        onLoop.await();

        long began = System.nanoTime();
        StopReport report = supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofMillis(200)).withCancelTasks(true));

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
        assertThat(report.cancelledAloopWork()).containsEntry("stuck", 1);
        assertThat(supervisor.getState()).isEqualTo(SupervisorState.STOPPED);
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // ignored on purpose: this is the stuck target under test
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> messages(Level level, String prefix) {
        synchronized (logs) { // the appender adds under its own lock
            return logs.list.stream()
                    .filter(e -> e.getLevel() == level)
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.startsWith(prefix))
                    .toList();
        }
    }
}
