package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

class WorkerListenerTests extends WorkerTestSupport {

    private final Recorder recorder = new Recorder();

    @Test
    void noListenerMeansNothingToNotify() {
        SchedulerHandle handle = supervisor.registerScheduler(new EventWorker(supervisor, "probe", WorkerTarget.of(() -> { })));
        assertThat(handle.listener()).isNull();
        supervisor.addWorkerListener(recorder);
        assertThat(handle.listener()).isNotNull();
        supervisor.removeWorkerListener(recorder);
        assertThat(handle.listener()).isNull();
    }

    @Test
    void everySyncRunIsReportedWithItsDurationAndOutcome() {
        supervisor.addWorkerListener(recorder);
        AtomicInteger calls = new AtomicInteger();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "numbers", WorkerTarget.of(n -> {
            calls.incrementAndGet();
            if (n == 2) {
                throw new IllegalStateException("two is bad");
            }
            if (n == 3) {
                busyFor(Duration.ofMillis(50));
            }
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        worker.put(1);
        worker.put(2);
        worker.put(3);
        await().until(() -> recorder.runs.size() == 3);
        assertThat(recorder.runs).extracting(Run::worker).containsOnly("numbers");
        assertThat(recorder.runs).extracting(Run::failure).containsExactly(null, "two is bad", null);
        assertThat(recorder.runs.get(2).durationNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(worker.getRuns()).isEqualTo(3);
        assertThat(worker.getFailures()).isEqualTo(1);
    }

    @Test
    void asyncRunsAreReportedWithTheirOutcomeToo() {
        supervisor.createAloop("loop", true, true, true);
        supervisor.addWorkerListener(recorder);
        AtomicInteger runs = new AtomicInteger();
        ContinuousWorker worker = new ContinuousWorker(supervisor, "async", WorkerTarget.async((none, ctx) -> {
            int run = runs.incrementAndGet();
            return run == 1 ? CompletableFuture.failedFuture(new IllegalStateException("first fails"))
                    : CompletableFuture.completedFuture(run < 3);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.start();
        await().until(worker::isStopped);
        assertThat(recorder.runs).extracting(Run::failure).containsExactly("first fails", null, null);
    }

    @Test
    void anAsyncRunCancelledByAForcedStopIsReportedAsCancelledButNotCountedAsAFailure() {
        supervisor.createAloop("loop", true, true, true);
        supervisor.addWorkerListener(recorder);
        EventWorker worker = new EventWorker(supervisor, "hangs",
                WorkerTarget.async((none, ctx) -> new CompletableFuture<Void>()));
        worker.start();
        worker.trigger();
        await().until(() -> worker.info().lastRunStarted() != null);

        worker.stop(Duration.ofMillis(50));

        await().until(() -> recorder.runs.size() == 1);
        assertThat(recorder.runs.get(0).failure()).isEqualTo("given up by a forced stop"); // a CancellationException
        assertThat(worker.getFailures()).isZero();
    }

    @Test
    void registrationsRenamesAndUnregistrationsAreReported() {
        supervisor.addWorkerListener(recorder);
        EventWorker worker = new EventWorker(supervisor, "first", WorkerTarget.of(() -> { }));
        worker.start();
        supervisor.registerScheduler(worker); // the same name again: nothing changes, nothing reported
        worker.stop();
        worker.start(WorkerStart.defaults().withName("second"));
        supervisor.unregisterScheduler(worker);
        supervisor.unregisterScheduler(worker); // no longer registered: nothing reported
        assertThat(recorder.registrations).containsExactly("registered first", "registered second",
                "unregistered second");
    }

    @Test
    void aFailingListenerChangesNothingForTheWorkerOrTheOtherListeners() {
        supervisor.addWorkerListener(new WorkerListener() {
            @Override
            public void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
                throw new IllegalStateException("listener bug");
            }
        });
        supervisor.addWorkerListener(recorder);
        AtomicInteger runs = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "robust", WorkerTarget.of(runs::incrementAndGet));
        worker.start();
        worker.trigger();
        await().until(() -> recorder.runs.size() == 1);
        worker.triggerNow();
        await().until(() -> recorder.runs.size() == 2);
        assertThat(runs).hasValue(2);
        assertThat(worker.getFailures()).isZero();
        assertThat(recorder.runs).extracting(Run::failure).containsOnlyNulls();
    }

    @Test
    void aFailingListenerIsLoggedAtErrorOnceWithItsStackTraceThenAtDebug() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.tasksupervisor.SchedulerRegistry");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(logs);
        try {
            supervisor.addWorkerListener(new WorkerListener() {
                @Override
                public void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
                    throw new IllegalStateException("listener bug");
                }
            });
            supervisor.addWorkerListener(recorder);
            QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "items", WorkerTarget.of(n -> { }));
            worker.start();
            for (int i = 0; i < 3; i++) {
                worker.put(i);
            }
            await().until(() -> recorder.runs.size() == 3);
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(level);
        }
        List<ILoggingEvent> failures = logs.list.stream()
                .filter(event -> event.getFormattedMessage().contains("worker listener")).toList();
        assertThat(failures).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.DEBUG, Level.DEBUG);
        assertThat(failures.get(0).getThrowableProxy().getMessage()).isEqualTo("listener bug");
        assertThat(failures.get(0).getFormattedMessage()).contains("worker 'items'");
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        supervisor.addWorkerListener(recorder);
        EventWorker worker = new EventWorker(supervisor, "quiet", WorkerTarget.of(() -> { }));
        worker.start();
        worker.trigger();
        await().until(() -> recorder.runs.size() == 1);
        supervisor.removeWorkerListener(recorder);
        worker.triggerNow();
        await().until(() -> worker.getRuns() == 2);
        supervisor.unregisterScheduler(worker);
        assertThat(recorder.runs).hasSize(1);
        assertThat(recorder.registrations).containsExactly("registered quiet");
    }

    private record Run(String worker, long durationNanos, String failure) {
    }

    private static final class Recorder implements WorkerListener {

        final List<Run> runs = new CopyOnWriteArrayList<>();
        final List<String> registrations = new CopyOnWriteArrayList<>();

        @Override
        public void registered(BackgroundWorker worker) {
            registrations.add("registered " + worker.getName());
        }

        @Override
        public void unregistered(BackgroundWorker worker) {
            registrations.add("unregistered " + worker.getName());
        }

        @Override
        public void runEnded(BackgroundWorker worker, long durationNanos, Throwable failure) {
            String what = failure == null ? null
                    : failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
            runs.add(new Run(worker.getName(), durationNanos, what));
        }
    }
}
