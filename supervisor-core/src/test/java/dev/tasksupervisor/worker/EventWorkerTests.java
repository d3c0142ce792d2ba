package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.testsupport.RefusingOnceExecutor;
import dev.tasksupervisor.testsupport.SupervisorThreads;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

class EventWorkerTests extends WorkerTestSupport {

    private final AtomicInteger runs = new AtomicInteger();

    @Test
    void triggeredTwiceRunsTwice() {
        EventWorker worker = new EventWorker(supervisor, "events", WorkerTarget.of(runs::incrementAndGet));
        worker.start();
        worker.trigger();
        await().until(() -> runs.get() == 1);
        await().until(() -> worker.getRuns() == 1);
        worker.trigger();
        await().until(() -> runs.get() == 2);
        worker.stop();
        assertThat(runs).hasValue(2);
    }

    @Test
    void idleWorkerDoesNotRun() {
        EventWorker worker = new EventWorker(supervisor, "quiet", WorkerTarget.of(runs::incrementAndGet));
        worker.start();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 0);
    }

    @Test
    void hundredTriggersDuringOneRunGiveExactlyOneMoreRun() throws Exception {
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "storm", WorkerTarget.of(() -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            if (runs.incrementAndGet() == 1) {
                inFirstRun.countDown();
                release.await();
            }
            concurrent.decrementAndGet();
        }));
        worker.start();
        worker.trigger();
        inFirstRun.await();
        for (int i = 0; i < 100; i++) {
            worker.trigger();
        }
        release.countDown();
        await().until(() -> runs.get() == 2);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 2);
        assertThat(most).hasValue(1);
    }

    @Test
    void coalescedRunStartsNoSoonerThanThePollDelayAfterThePreviousRunEnded() throws Exception {
        supervisor.setPollDelay(Duration.ofMillis(100));
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong firstEnded = new AtomicLong();
        AtomicLong secondStarted = new AtomicLong();
        EventWorker worker = new EventWorker(supervisor, "paced", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                inFirstRun.countDown();
                release.await();
                firstEnded.set(System.nanoTime());
            } else {
                secondStarted.set(System.nanoTime());
            }
        }));
        worker.start();
        worker.trigger();
        inFirstRun.await();
        worker.trigger();
        release.countDown();
        await().until(() -> runs.get() == 2);
        assertThat(Duration.ofNanos(secondStarted.get() - firstEnded.get())).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void forcedTriggerSkipsThePollDelay() throws Exception {
        supervisor.setPollDelay(Duration.ofHours(1));
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventWorker worker = new EventWorker(supervisor, "forced", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                inFirstRun.countDown();
                release.await();
            }
        }));
        worker.start();
        worker.trigger();
        inFirstRun.await();
        worker.triggerNow();
        release.countDown();
        await().until(() -> runs.get() == 2);
    }

    @Test
    void asyncEventWorkerRunsOnTheAloop() {
        supervisor.createAloop("events", true, true, true);
        AtomicInteger onLoop = new AtomicInteger();
        EventWorker worker = new EventWorker(supervisor, "async-events", WorkerTarget.async((none, ctx) -> {
            if (Thread.currentThread().getName().equals("supervisor_" + id + "_aloop_events")) {
                onLoop.incrementAndGet();
            }
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }));
        worker.start();
        worker.trigger();
        await().until(() -> onLoop.get() == 1);
    }

    @Test
    void triggeringAStoppedWorkerIsRefused() {
        EventWorker worker = new EventWorker(supervisor, "done", WorkerTarget.of(runs::incrementAndGet));
        assertThatThrownBy(worker::trigger).isInstanceOf(WorkerNotActiveException.class).hasMessageContaining("NEW");
        worker.start();
        worker.stop();
        assertThatThrownBy(worker::trigger).isInstanceOfSatisfying(WorkerNotActiveException.class,
                e -> assertThat(e.getState()).isEqualTo(WorkerState.STOPPED)).hasMessageContaining("'done' is STOPPED");
    }

    @Test
    void stopWaitsForTheRunInProgress() throws Exception {
        CountDownLatch inRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventWorker worker = new EventWorker(supervisor, "slow", WorkerTarget.of(() -> {
            inRun.countDown();
            release.await();
            runs.incrementAndGet();
        }));
        worker.start();
        worker.trigger();
        inRun.await();
        java.util.concurrent.CompletableFuture<Void> stop = java.util.concurrent.CompletableFuture.runAsync(worker::stop);
        await().until(() -> worker.getState() == WorkerState.STOPPING);
        assertThat(stop).isNotDone();
        release.countDown();
        stop.join();
        assertThat(runs).hasValue(1);
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
    }

    @Test
    void oneRefusalByTheExecutorDoesNotWedgeAnEventWorker() {
        TaskSupervisor refusing = new TaskSupervisor(SupervisorThreads.uniqueId("refusing"));
        refusing.setExecutor(new RefusingOnceExecutor());
        refusing.start();
        try {
            AtomicInteger runs = new AtomicInteger();
            EventWorker worker = new EventWorker(refusing, "wedged", WorkerTarget.of(runs::incrementAndGet));
            worker.setErrorHandler((w, error) -> { });
            worker.start();
            try {
                worker.trigger();
            } catch (Throwable refusedOnce) {
                // before the fix, the refusal reached the caller
            }
            worker.trigger();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
        } finally {
            refusing.stop(Duration.ofSeconds(5));
        }
    }
}
