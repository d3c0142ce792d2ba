package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.tasksupervisor.testsupport.StartingThreads;

class PoolThreadsTests {

    @Test
    void aThreadCountsAsLiveWhileItRunsAndNotWhenItsStartWasRefused() throws InterruptedException {
        PoolThreads threads = PoolThreads.of(StartingThreads.refusingStartAfter("live_", 1));
        CountDownLatch release = new CountDownLatch(1);
        Thread running = threads.newThread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.start();
        await().until(() -> threads.live().get() == 1);
        // The system refuses the next one: it never runs, so it must not count, or the pool's queue would
        // take the pool for larger than it is after every refusal.
        assertThatThrownBy(threads.newThread(() -> { })::start).isInstanceOf(OutOfMemoryError.class);
        assertThat(threads.live()).hasValue(1);
        release.countDown();
        running.join();
        assertThat(threads.live()).hasValue(0);
    }
}
