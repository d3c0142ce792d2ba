package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

/** A run past its worker's run timeout is interrupted (or its stage cancelled) and counts as failed. */
class RunTimeoutTests extends WorkerTestSupport {

    private static final Duration TIMEOUT = Duration.ofMillis(100);

    @Test
    void aSyncRunPastItsTimeoutIsInterruptedAndFailsAndTheNextRunStartsClean() {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean interruptedAtStart = new AtomicBoolean();
        EventWorker worker = new EventWorker(supervisor, "slow", WorkerTarget.of(() -> {
            interruptedAtStart.compareAndSet(false, Thread.currentThread().isInterrupted());
            if (runs.incrementAndGet() == 1) {
                TimeUnit.HOURS.sleep(1);
            }
        }));
        worker.setErrorHandler((w, error) -> errors.add(error));
        worker.setFailureBackoff(FailureBackoff.none());
        worker.setRunTimeout(TIMEOUT);
        worker.start();
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() == 1);
        assertThat(errors).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(RunTimeoutException.class)
                .hasMessage("the run of worker 'slow' went on past its run timeout of PT0.1S and was interrupted; it "
                        + "ended with java.lang.InterruptedException: sleep interrupted")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(((RunTimeoutException) errors.get(0)).getTimeout()).isEqualTo(TIMEOUT);
        assertThat(worker.info().lastRunDuration()).isLessThan(Duration.ofSeconds(30));
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getRuns() == 2);
        assertThat(worker.getFailures()).isEqualTo(1);
        assertThat(interruptedAtStart).as("an interrupt leaked into a later run").isFalse();
        worker.stop();
    }

    @Test
    void aRunThatSwallowsTheInterruptAndReturnsStillFails() {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        EventWorker worker = new EventWorker(supervisor, "stubborn", WorkerTarget.of(() -> {
            try {
                TimeUnit.HOURS.sleep(1);
            } catch (InterruptedException ignored) {
                // returns as if nothing happened
            }
        }));
        worker.setErrorHandler((w, error) -> errors.add(error));
        worker.setRunTimeout(TIMEOUT);
        worker.start();
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() == 1);
        assertThat(errors).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(RunTimeoutException.class)
                .hasNoCause();
        worker.stop();
    }

    @Test
    void aQueueItemThatTimesOutIsRetriedByThePolicyAndItemsWithinTheTimeoutAreNot() {
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger slowRuns = new AtomicInteger();
        QueueWorker<String> worker = new QueueWorker<>(supervisor, "timed", WorkerTarget.of((String item) -> {
            if (item.equals("slow") && slowRuns.incrementAndGet() == 1) {
                TimeUnit.HOURS.sleep(1);
            }
            handled.add(item);
        }));
        worker.setErrorHandler((w, error) -> { });
        worker.setRunTimeout(Duration.ofMillis(200));
        worker.setRetryPolicy(RetryPolicy.builder().maxRetries(1).delay(Duration.ofMillis(10)).includes(
                RunTimeoutException.class).build());
        worker.start();
        worker.put("slow");
        for (int i = 0; i < 1_000; i++) {
            worker.put("quick-" + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 1_001);
        assertThat(handled).contains("slow");
        assertThat(worker.getFailures()).isEqualTo(1);
        assertThat(worker.getRetryCount()).isEqualTo(1);
        worker.stop();
    }

    @Test
    void anAsyncRunWhoseStageDoesNotCompleteInTimeIsCancelledAndFails() {
        supervisor.createAloop("loop", true, true, true);
        AtomicReference<CompletableFuture<Void>> first = new AtomicReference<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "hanging", WorkerTarget.async((none, ctx) -> {
            if (runs.incrementAndGet() == 1) {
                first.set(new CompletableFuture<>());
                return first.get(); // never completed by the target
            }
            return CompletableFuture.completedFuture(null);
        }));
        worker.setErrorHandler((w, error) -> errors.add(error));
        worker.setFailureBackoff(FailureBackoff.none());
        worker.setRunTimeout(TIMEOUT);
        worker.start();
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getFailures() == 1);
        assertThat(errors).singleElement().isInstanceOf(RunTimeoutException.class);
        assertThat(first.get()).isCancelled();
        await().atMost(Duration.ofSeconds(30)).until(() -> !worker.isRunning());
        worker.trigger();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getRuns() == 2);
        assertThat(worker.getFailures()).isEqualTo(1);
        worker.stop();
    }

    @Test
    void aRunTimeoutMustBePositive() {
        EventWorker worker = new EventWorker(supervisor, "bad", WorkerTarget.of(() -> { }));
        assertThatThrownBy(() -> worker.setRunTimeout(Duration.ZERO)).isInstanceOf(InvalidSettingException.class)
                .hasMessage("worker 'bad': run timeout must be positive, was PT0S: set a positive duration, such as 30s");
        worker.setRunTimeout(Duration.ofSeconds(5));
        assertThat(worker.getRunTimeout()).isEqualTo(Duration.ofSeconds(5));
        worker.setRunTimeout(null);
        assertThat(worker.getRunTimeout()).isNull();
    }
}
