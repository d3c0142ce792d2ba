package dev.tasksupervisor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A worker's own poll delay overrides the supervisor's for that worker only. */
class WorkerPollDelayTest extends WorkerTestSupport {

    @Test
    void aWorkerWithoutItsOwnPollDelayFollowsTheSupervisors() {
        EventWorker worker = new EventWorker(supervisor, "follows", WorkerTarget.of(() -> { }));
        supervisor.setPollDelay(Duration.ofMillis(42));
        assertThat(worker.getPollDelay()).isEqualTo(Duration.ofMillis(42));
        worker.setPollDelay(Duration.ofSeconds(3));
        assertThat(worker.getPollDelay()).isEqualTo(Duration.ofSeconds(3));
        worker.setPollDelay(null);
        assertThat(worker.getPollDelay()).isEqualTo(Duration.ofMillis(42));
    }

    @Test
    void aNegativePollDelayIsRefusedNamingTheWorker() {
        EventWorker worker = new EventWorker(supervisor, "negative", WorkerTarget.of(() -> { }));
        assertThatIllegalArgumentException().isThrownBy(() -> worker.setPollDelay(Duration.ofMillis(-1)))
                .withMessageContaining("'negative'");
    }

    @Test
    void aNegativePollDelayIsRefusedUnderTheConfiguredNameNotTheLastStartsOverride() {
        EventWorker worker = new EventWorker(supervisor, "configured", WorkerTarget.of(() -> { }));
        worker.start(WorkerStart.defaults().withName("started-as"));
        worker.stop();
        assertThatIllegalArgumentException().isThrownBy(() -> worker.setPollDelay(Duration.ofMillis(-1)))
                .withMessageStartingWith("worker 'configured'");
    }

    @Test
    void anEventWorkersOwnZeroPollDelayRunsACoalescedTriggerAtOnceDespiteALongSupervisorDelay() throws Exception {
        supervisor.setPollDelay(Duration.ofHours(1));
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventWorker worker = new EventWorker(supervisor, "eager", WorkerTarget.of(() -> {
            if (runs.incrementAndGet() == 1) {
                inFirstRun.countDown();
                release.await();
            }
        }));
        worker.setPollDelay(Duration.ZERO);
        worker.start();
        worker.trigger();
        inFirstRun.await();
        worker.trigger(); // coalesced: runs after the first, with this worker's delay, not the hour
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
    }

    @Test
    void aBatchLingersForItsWorkersOwnPollDelay() {
        supervisor.setPollDelay(Duration.ofHours(1));
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        QueueWorker<Integer> worker = QueueWorker.batched(supervisor, "quick-batches", 100,
                WorkerTarget.of(batches::add));
        worker.setPollDelay(Duration.ofMillis(20));
        worker.start();
        worker.put(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 1);
        assertThat(batches.get(0)).containsExactly(1);
    }
}
