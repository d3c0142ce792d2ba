package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import ch.qos.logback.classic.Level;

import dev.tasksupervisor.pool.PoolSettings;
import dev.tasksupervisor.pool.Priority;
import dev.tasksupervisor.testsupport.LogCapture;
import dev.tasksupervisor.testsupport.StartingThreads;
import dev.tasksupervisor.testsupport.SupervisorThreads;

class TaskPoolTests {

    private final String id = SupervisorThreads.uniqueId("pool");
    private final TaskSupervisor supervisor = new TaskSupervisor(id);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void cleanUp() {
        release.countDown();
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(5)).withCancelTasks(true));
    }

    private List<Thread> poolThreads() {
        return SupervisorThreads.named("supervisor_" + id + "_pool_");
    }

    @Test
    void maxSizeDefaultsToFiveThreadsPerCpu() {
        PoolSettings defaults = PoolSettings.defaults();
        assertThat(defaults.maxSize()).isEqualTo(Runtime.getRuntime().availableProcessors() * 5);
        assertThat(defaults.minSize()).isZero();
        assertThat(defaults.keepAlive()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.prioritiesEnabled()).isFalse();
    }

    @Test
    void maxSizeFollowsPoolSizeAndReservesWhenNotGiven() {
        PoolSettings settings = PoolSettings.builder().poolSize(3).reserveNormal(2).reserveHigh(1).build();
        assertThat(settings.maxSize()).isEqualTo(6);
        assertThat(PoolSettings.builder().poolSize(3).maxSize(10).build().maxSize()).isEqualTo(10);
    }

    @Test
    void minSizeMaxPreStartsEveryThread() {
        supervisor.setPoolSettings(PoolSettings.builder().minSizeMax().maxSize(7).build());
        supervisor.start();
        assertThat(supervisor.getPoolSettings().minSize()).isEqualTo(7);
        assertThat(poolThreads()).hasSize(7);
        assertThat(supervisor.info().pool().currentSize()).isEqualTo(7);
    }

    @Test
    void poolThreadsAreNamedDaemonThreads() throws Exception {
        supervisor.start();
        Thread thread = supervisor.spawn(Thread::currentThread).get();
        assertThat(thread.getName()).startsWith("supervisor_" + id + "_pool_");
        assertThat(thread.isDaemon()).isTrue();
    }

    @Test
    void poolGrowsToMaxSizeBeforeQueueing() {
        supervisor.setPoolSettings(PoolSettings.builder().minSize(0).maxSize(4).build());
        supervisor.start();
        AtomicInteger running = new AtomicInteger();
        for (int i = 0; i < 6; i++) {
            supervisor.spawn(() -> {
                running.incrementAndGet();
                awaitRelease();
            });
        }
        await().until(() -> running.get() == 4);
        assertThat(supervisor.info().pool().currentSize()).isEqualTo(4);
        assertThat(supervisor.info().pool().queued()).isEqualTo(2);
        release.countDown();
        await().until(() -> running.get() == 6);
    }

    @Test
    void threadsAboveMinSizeEndAfterKeepAlive() {
        supervisor.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(4).keepAlive(Duration.ofMillis(50)).build());
        supervisor.start();
        CountDownLatch allRunning = new CountDownLatch(4);
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(supervisor.spawn(() -> {
                allRunning.countDown();
                awaitRelease();
            }));
        }
        await().until(() -> allRunning.getCount() == 0);
        release.countDown();
        CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
        await().until(() -> supervisor.info().pool().currentSize() == 1);
        assertThat(supervisor.info().pool().largest()).isEqualTo(4);
    }

    @Test
    void resizingUpAndDownWhileTenThousandTasksAreQueuedLosesNone() {
        supervisor.setPoolSettings(PoolSettings.builder().minSize(0).maxSize(2).build());
        supervisor.start();
        AtomicInteger done = new AtomicInteger();
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            tasks.add(supervisor.spawn(() -> {
                awaitRelease();
                done.incrementAndGet();
            }));
        }
        assertThat(supervisor.info().pool().queued()).isEqualTo(10_000 - 2);

        supervisor.resizePool(0, 8);
        await().until(() -> supervisor.info().pool().currentSize() == 8);
        supervisor.resizePool(1, 1);
        supervisor.resizePool(4, 16);
        await().until(() -> supervisor.info().pool().currentSize() == 16);
        supervisor.resizePool(0, 3);
        assertThat(supervisor.info().pool().maxSize()).isEqualTo(3);
        assertThat(done).hasValue(0);

        release.countDown();
        CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
        assertThat(done).hasValue(10_000);
        assertThat(supervisor.info().pool().completed()).isGreaterThanOrEqualTo(10_000);
        await().until(() -> supervisor.info().pool().currentSize() <= 3);
    }

    @Test
    void aResizeReturnsAtOnceAndItsThreadsStartInTheBackground() throws Exception {
        CountDownLatch starts = new CountDownLatch(1);
        TaskPool pool = new TaskPool("pool 'slow'", id + "_slow_", PoolSettings.builder().minSize(2).maxSize(12).build(),
                null, null, StartingThreads.heldAfter(id + "_slow_", 2, starts));
        try {
            // Thousands of threads take seconds to start: the caller (an HTTP request) must not wait for them.
            CompletableFuture.runAsync(() -> pool.resize(50, 60)).get(10, TimeUnit.SECONDS);
            assertThat(pool.settings().minSize()).isEqualTo(50);
            assertThat(pool.info().minSize()).isEqualTo(50);
            assertThat(pool.info().maxSize()).isEqualTo(60);
            // The two it had, and at most the one whose start is held (the executor counts it already).
            assertThat(pool.info().currentSize()).isBetween(2, 3);
            starts.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> pool.info().currentSize() == 50);
            assertThat(pool.submit(Priority.NORMAL, () -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS))
                    .startsWith(id + "_slow_");
        } finally {
            starts.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aResizeTheSystemRefusesThreadsForGoesBackToTheSizesBeforeItAndSaysWhy() throws Exception {
        StartingThreads refusing = StartingThreads.refusingAfter(id + "_limited_", 10);
        TaskPool pool = new TaskPool("pool 'limited'", id + "_limited_", PoolSettings.builder().minSize(2).maxSize(12)
                .build(), null, null, refusing);
        try (LogCapture logs = LogCapture.of(TaskPool.class)) {
            pool.resize(50, 50); // returns: the refusal comes later, on the thread that starts them
            await().atMost(Duration.ofSeconds(20)).until(() -> pool.settings().minSize() == 2);
            assertThat(pool.settings().maxSize()).isEqualTo(12);
            assertThat(pool.info().minSize()).isEqualTo(2);
            assertThat(pool.info().maxSize()).isEqualTo(12);
            assertThat(refusing.refused()).isEqualTo(1);
            String failure = "pool 'limited' could start only 10 threads of the 50..50 it was resized to ("
                    + StartingThreads.REFUSAL + "): its sizes went back to 2 and 12; ask for fewer threads, or raise the "
                    + "system's limit on threads";
            assertThat(logs.messages(Level.ERROR)).containsExactly(failure);
            assertThat(pool.info().growthFailure()).isEqualTo(failure);
            // The pool works on at its earlier sizes, with the threads it has.
            assertThat(pool.submit(Priority.NORMAL, () -> "ran").get(10, TimeUnit.SECONDS)).isEqualTo("ran");
            // The next change of sizes clears the failure.
            pool.resize(3, 12);
            assertThat(pool.info().growthFailure()).isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidSizesAreRefusedBeforeAnythingChanges() {
        supervisor.setPoolSettings(PoolSettings.builder().minSize(1).maxSize(4).build());
        supervisor.start();
        assertThatThrownBy(() -> supervisor.resizePool(5, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minSize (5)").hasMessageContaining("maxSize (3)");
        assertThatThrownBy(() -> supervisor.resizePool(-1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minSize").hasMessageContaining("-1");
        assertThatThrownBy(() -> supervisor.resizePool(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSize");
        assertThat(supervisor.info().pool().minSize()).isEqualTo(1);
        assertThat(supervisor.info().pool().maxSize()).isEqualTo(4);
        assertThatThrownBy(() -> PoolSettings.builder().poolSize(-2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
    }

    @Test
    void poolCanBeReplacedByAnyExecutorService() throws Exception {
        ForkJoinPool forkJoin = new ForkJoinPool(2);
        supervisor.setExecutor(forkJoin);
        supervisor.start();
        assertThat(supervisor.spawn(() -> Thread.currentThread().getName()).get()).contains("ForkJoinPool");
        assertThat(supervisor.info().pool().maxSize()).isEqualTo(-1);
        assertThatThrownBy(() -> supervisor.resizePool(1, 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ForkJoinPool");
        supervisor.stop();
        assertThat(forkJoin.isShutdown()).isTrue();
    }

    @Test
    void aReplacementThreadPoolExecutorCanStillBeResized() {
        ThreadPoolExecutor own = new ThreadPoolExecutor(1, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        supervisor.setExecutor(own);
        supervisor.start();
        supervisor.resizePool(3, 5);
        assertThat(own.getMaximumPoolSize()).isEqualTo(5);
        await().until(() -> own.getCorePoolSize() == 3); // the threads a larger core asks for start in the background
        assertThat(own.getMaximumPoolSize()).isEqualTo(5);
    }

    @Test
    void replacingThePoolAfterStartIsRefused() {
        supervisor.start();
        assertThatThrownBy(() -> supervisor.setExecutor(new ForkJoinPool(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("before calling start()");
    }

    @Test
    void taskDecoratorWrapsEveryTask() throws Exception {
        ThreadLocal<String> context = new ThreadLocal<>();
        supervisor.setTaskDecorator(task -> () -> {
            context.set("decorated");
            try {
                task.run();
            } finally {
                context.remove();
            }
        });
        supervisor.start();
        assertThat(supervisor.spawn(context::get).get()).isEqualTo("decorated");
    }

    @Test
    @EnabledForJreRange(max = JRE.JAVA_20)
    void virtualThreadsOnJava17AreAClearError() {
        assertThatThrownBy(() -> PoolSettings.builder().virtualThreads(true).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Java 21");
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void virtualThreadsRunTasksBoundedByMaxSize() throws Exception {
        supervisor.setPoolSettings(PoolSettings.builder().maxSize(3).virtualThreads(true).build());
        supervisor.start();
        Method isVirtual = Thread.class.getMethod("isVirtual");
        Thread thread = supervisor.spawn(Thread::currentThread).get();
        assertThat((Boolean) isVirtual.invoke(thread)).isTrue();
        assertThat(thread.getName()).startsWith("supervisor_" + id + "_pool_");

        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(supervisor.spawn(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                awaitRelease();
                running.decrementAndGet();
            }));
        }
        await().until(() -> running.get() == 3);
        assertThat(supervisor.info().pool().queued()).isEqualTo(17);
        release.countDown();
        CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
        assertThat(most).hasValue(3);
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
