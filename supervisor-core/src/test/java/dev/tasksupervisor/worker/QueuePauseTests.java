package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.lifecycle.StopReport;
import dev.tasksupervisor.testsupport.Gap;
import dev.tasksupervisor.testsupport.WorkerTestSupport;

/**
 * Pausing a queue worker: it keeps accepting items and holds them, runs none until it resumes, and a stop
 * ends the pause (a graceful one drains what it holds; one that runs out of time hands the rest back).
 */
class QueuePauseTests extends WorkerTestSupport {

    /** How long a paused worker is watched to see that it runs nothing. */
    private static final Duration WATCHED = Duration.ofMillis(300);

    private final List<Integer> handled = new CopyOnWriteArrayList<>();

    @Test
    void aPausedWorkerKeepsAcceptingItemsAndRunsThemInOrderOnceResumed() throws InterruptedException {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "paused", WorkerTarget.of(handled::add));
        worker.start();
        worker.put(0);
        assertThat(worker.awaitIdle(Duration.ofSeconds(20))).isTrue();
        worker.pause();
        assertThat(worker.isPaused()).isTrue();
        assertThat(worker.info().paused()).isTrue();
        for (int i = 1; i <= 100; i++) {
            worker.put(i);
        }
        assertThat(worker.offer(101)).isTrue();
        nothingRunsFor(worker, 1);
        assertThat(worker.getQueueSize()).isEqualTo(101);
        assertThat(worker.awaitIdle(Duration.ofMillis(50))).as("idle while it holds items").isFalse();

        worker.resume();
        assertThat(worker.isPaused()).isFalse();
        assertThat(worker.awaitIdle(Duration.ofSeconds(20))).isTrue();
        assertThat(handled).hasSize(102).isSorted();
        worker.stop();
    }

    @Test
    void aPauseLetsTheRunInProgressFinishAndStartsNoOther() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "busy", WorkerTarget.of(item -> {
            if (item == 1) {
                running.countDown();
                release.await();
            }
            handled.add(item);
        }));
        worker.start();
        worker.put(1);
        worker.put(2);
        worker.put(3);
        assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
        worker.pause();
        release.countDown();
        await().until(() -> handled.contains(1));
        nothingRunsFor(worker, 1);
        assertThat(worker.getQueueSize()).isEqualTo(2);
        worker.resume();
        await().until(() -> handled.size() == 3);
        assertThat(handled).containsExactly(1, 2, 3);
        worker.stop();
    }

    @Test
    void aBoundedPausedWorkerFillsUpAndThenRefusesPutsAsFull() {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "bounded", WorkerTarget.of(handled::add));
        worker.setCapacity(2);
        worker.start();
        worker.pause();
        worker.put(1);
        worker.put(2);
        assertThatThrownBy(() -> worker.put(3)).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("is full (capacity 2)");
        assertThat(worker.offer(3)).isFalse();
        worker.resume();
        await().until(() -> handled.size() == 2);
        worker.put(3);
        await().until(() -> handled.size() == 3);
        worker.stop();
    }

    @Test
    void aBatchWorkerHoldsItsItemsTooAndRunsThemInBatchesOnceResumed() {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = QueueWorker.batched(supervisor, "batches", 10, WorkerTarget.of(batches::add));
        worker.start();
        worker.pause();
        for (int i = 0; i < 25; i++) {
            worker.put(i);
        }
        await().during(WATCHED).atMost(WATCHED.multipliedBy(10)).until(batches::isEmpty);
        worker.resume();
        await().until(() -> batches.stream().mapToInt(List::size).sum() == 25);
        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(10));
        assertThat(batches.stream().flatMap(List::stream).toList()).isSorted();
        worker.stop();
    }

    @Test
    void anAsyncWorkerPausesAsASyncOneDoes() {
        supervisor.createAloop("paused", true, true, true);
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "async", WorkerTarget.async((item, context) -> {
            handled.add(item);
            return CompletableFuture.completedFuture(null);
        }));
        worker.start();
        worker.pause();
        for (int i = 0; i < 10; i++) {
            worker.put(i);
        }
        nothingRunsFor(worker, 0);
        worker.resume();
        await().until(() -> handled.size() == 10);
        assertThat(handled).isSorted();
        worker.stop();
    }

    @Test
    void aGracefulStopOfAPausedWorkerDrainsWhatItHoldsAndTheNextStartIsNotPaused() {
        List<List<Integer>> handedBack = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "drained", WorkerTarget.of(handled::add));
        worker.setUndeliveredHandler(handedBack::add);
        worker.start();
        worker.pause();
        for (int i = 0; i < 1_000; i++) {
            worker.put(i);
        }
        StopReport report = worker.stop();
        assertThat(worker.getState()).isEqualTo(WorkerState.STOPPED);
        assertThat(handled).hasSize(1_000).isSorted();
        assertThat(report.undelivered(worker.getName())).isEmpty();
        assertThat(handedBack).isEmpty();
        assertThat(worker.isPaused()).as("a stop ends the pause").isFalse();

        worker.start();
        assertThat(worker.isPaused()).isFalse();
        worker.put(1_000);
        await().until(() -> handled.size() == 1_001);
        worker.stop();
    }

    @Test
    void aStopThatRunsOutOfTimeHandsBackWhatAPausedWorkerStillHeld() {
        List<List<Integer>> handedBack = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "hurried", WorkerTarget.of(item -> {
            busyFor(Duration.ofMillis(5));
            handled.add(item);
        }));
        worker.setUndeliveredHandler(handedBack::add);
        worker.start();
        worker.pause();
        for (int i = 0; i < 2_000; i++) {
            worker.put(i);
        }
        List<Integer> undelivered = worker.stop(Duration.ofMillis(100)).undelivered(worker.getName()).stream()
                .map(Integer.class::cast).toList();
        assertThat(undelivered).isNotEmpty();
        assertThat(handedBack).containsExactly(undelivered);
        await().until(() -> worker.getRuns() == handled.size()); // the interrupted run has ended
        List<Integer> all = new ArrayList<>(handled);
        all.addAll(undelivered);
        assertThat(all).as("each item handled or handed back, once").hasSize(2_000).doesNotHaveDuplicates();
    }

    @Test
    void pauseAndResumeNeedAnActiveWorkerAndRepeatingThemChangesNothing() {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "strict", WorkerTarget.of(handled::add));
        assertThatThrownBy(worker::pause).isInstanceOf(IllegalStateException.class)
                .hasMessage("queue worker 'strict' is NEW: only an active worker can be paused; start it first");
        assertThatThrownBy(worker::resume).isInstanceOf(IllegalStateException.class)
                .hasMessage("queue worker 'strict' is NEW: only an active worker can be resumed; start it first");
        worker.start();
        worker.resume(); // not paused: nothing to do
        worker.pause();
        worker.pause();
        assertThat(worker.isPaused()).isTrue();
        worker.resume();
        worker.resume();
        assertThat(worker.isPaused()).isFalse();
        worker.stop();
        assertThatThrownBy(worker::pause).isInstanceOf(IllegalStateException.class)
                .hasMessage("queue worker 'strict' is STOPPED: only an active worker can be paused; start it first");
    }

    /** Producers put while another thread pauses and resumes over and over: every item runs once, in order. */
    @Test
    void pausingAndResumingWhileProducersPutLosesAndRepeatsNothing() throws Exception {
        int producers = 4;
        int perProducer = 5_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
        List<Integer> order = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, "toggled", WorkerTarget.of(item -> {
            runs.incrementAndGet(item);
            if (item % perProducer == perProducer - 1) {
                order.add(item); // each producer's last item
            }
        }));
        worker.start();
        AtomicBoolean putting = new AtomicBoolean(true);
        CompletableFuture<?>[] putters = new CompletableFuture<?>[producers];
        for (int p = 0; p < producers; p++) {
            int producer = p;
            putters[p] = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perProducer; i++) {
                    worker.put(producer * perProducer + i);
                }
            }, runnable -> new Thread(runnable, "producer-" + producer).start());
        }
        CompletableFuture<Void> toggler = CompletableFuture.runAsync(() -> {
            while (putting.get()) {
                worker.pause();
                Thread.yield();
                worker.resume();
            }
        }, runnable -> new Thread(runnable, "toggler").start());
        CompletableFuture.allOf(putters).get(60, TimeUnit.SECONDS);
        putting.set(false);
        toggler.get(60, TimeUnit.SECONDS);
        assertThat(worker.isPaused()).isFalse();
        assertThat(worker.awaitIdle(Duration.ofSeconds(60))).isTrue();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < runs.length() && wrong.size() < 20; i++) {
            if (runs.get(i) != 1) {
                wrong.add("item " + i + " ran " + runs.get(i) + " times");
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(order).hasSize(producers);
        worker.stop();
    }

    // ------------------------------------------------------------ races with a drain giving up the queue

    /**
     * A worker whose drain parks in the gap as it gives up the queue for a pause: ownership lowered, the pause
     * read, the state not yet. Its first item waits for {@code release}, so the test can pause it meanwhile.
     */
    private QueueWorker<Integer> parkingAtHold(String name, Gap gap, CountDownLatch release) {
        QueueWorker<Integer> worker = new QueueWorker<>(supervisor, name, WorkerTarget.of(item -> {
            if (item == 0) {
                release.await();
            }
            handled.add(item);
        })) {
            @Override
            public boolean isActive() {
                gap.park(() -> StackWalker.getInstance().walk(frames -> frames.anyMatch(frame -> frame.getClassName()
                        .equals(QueueDrain.class.getName()) && frame.getMethodName().equals("hold"))));
                return super.isActive();
            }
        };
        worker.start();
        worker.put(0);
        worker.pause();
        worker.put(1);
        worker.put(2);
        release.countDown(); // item 0 ends; the drain finds the worker paused and gives up the queue
        return worker;
    }

    @Test
    void aResumeWhileTheDrainGivesUpTheQueueRunsWhatWasHeld() throws Exception {
        Gap gap = new Gap();
        QueueWorker<Integer> worker = parkingAtHold("resume-race", gap, new CountDownLatch(1));
        gap.awaitEntered();
        worker.resume(); // finds no owner: it dispatches a drain of its own
        gap.leave();     // the parked drain read the pause before the resume: it leaves the queue to that drain
        await().until(() -> handled.size() == 3);
        assertThat(handled).containsExactly(0, 1, 2);
        worker.stop();
    }

    @Test
    void aStopWhileTheDrainGivesUpTheQueueDrainsWhatWasHeld() throws Exception {
        Gap gap = new Gap();
        List<List<Integer>> handedBack = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = parkingAtHold("stop-race", gap, new CountDownLatch(1));
        worker.setUndeliveredHandler(handedBack::add);
        gap.awaitEntered();
        worker.requestStop(); // STOPPING: the stop finds no owner and dispatches the drain that settles it
        gap.leave();
        assertThat(worker.awaitStop(Duration.ofSeconds(20))).isTrue();
        assertThat(handled).containsExactly(0, 1, 2);
        assertThat(handedBack).isEmpty();
    }

    /** Watches the paused worker for a while: it runs nothing more than the {@code count} items it had run. */
    private void nothingRunsFor(QueueWorker<Integer> worker, int count) {
        await().during(WATCHED).atMost(WATCHED.multipliedBy(10)).until(() -> handled.size() == count);
        assertThat(worker.isRunning()).isFalse();
    }
}
