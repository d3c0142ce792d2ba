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

class WorkerListenerTest extends WorkerTestSupport {

    private final Recorder recorder = new Recorder();

    @Test
    void noListenerMeansNothingToNotify() {
        assertThat(supervisor.getWorkerListener()).isNull();
        supervisor.addWorkerListener(recorder);
        assertThat(supervisor.getWorkerListener()).isNotNull();
        supervisor.removeWorkerListener(recorder);
        assertThat(supervisor.getWorkerListener()).isNull();
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
        assertThat(recorder.runs.get(0).failure()).contains("Cancellation");
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
        worker.trigger(true);
        await().until(() -> recorder.runs.size() == 2);
        assertThat(runs).hasValue(2);
        assertThat(worker.getFailures()).isZero();
        assertThat(recorder.runs).extracting(Run::failure).containsOnlyNulls();
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        supervisor.addWorkerListener(recorder);
        EventWorker worker = new EventWorker(supervisor, "quiet", WorkerTarget.of(() -> { }));
        worker.start();
        worker.trigger();
        await().until(() -> recorder.runs.size() == 1);
        supervisor.removeWorkerListener(recorder);
        worker.trigger(true);
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
