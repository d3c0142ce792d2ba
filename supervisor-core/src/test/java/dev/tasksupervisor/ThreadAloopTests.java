package dev.tasksupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.aloop.AloopState;
import dev.tasksupervisor.testsupport.SupervisorThreads;

class ThreadAloopTests {

    private final String id = SupervisorThreads.uniqueId("loops");
    private final TaskSupervisor supervisor = new TaskSupervisor(id);

    @AfterEach
    void cleanUp() {
        supervisor.stop(StopOptions.defaults().withTimeout(Duration.ofSeconds(5)).withCancelTasks(true));
    }

    @Test
    void threadsAreNamedAfterTheSupervisorAndTheAloop() throws Exception {
        supervisor.start();
        Aloop loop = supervisor.createAloop("myworkers", true, true, true);
        assertThat(loop.run(() -> CompletableFuture.completedFuture(Thread.currentThread().getName())))
                .isEqualTo("supervisor_" + id + "_aloop_myworkers");

        TaskSupervisor defaultSupervisor = new TaskSupervisor(TaskSupervisor.DEFAULT_ID);
        try {
            defaultSupervisor.start();
            Aloop defaultLoop = defaultSupervisor.createAloop("myworkers", false, true, true);
            assertThat(defaultLoop.getThreadName()).isEqualTo("supervisor_aloop_myworkers");
            assertThat(defaultLoop.run(() -> CompletableFuture.completedFuture(Thread.currentThread().getName())))
                    .isEqualTo("supervisor_aloop_myworkers");
        } finally {
            defaultSupervisor.stop();
        }
    }

    @Test
    void spawnReturnsAtOnceAndCompletesWithTheStagesResult() throws Exception {
        supervisor.start();
        Aloop loop = supervisor.createAloop("io");
        CompletableFuture<String> result = loop.spawn(() -> loop.sleep(Duration.ofMillis(50)).thenApply(v -> "slept"));
        assertThat(result).isNotDone();
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("slept");
    }

    @Test
    void failuresReachTheCaller() {
        supervisor.start();
        Aloop loop = supervisor.createAloop("io");
        assertThatThrownBy(() -> loop.run(() -> {
            throw new IllegalArgumentException("thrown");
        })).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> loop.run(() -> CompletableFuture.failedFuture(new IllegalStateException("failed"))))
                .isInstanceOf(ExecutionException.class).hasRootCauseMessage("failed");
        assertThatThrownBy(() -> loop.run(() -> null)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("returned null");
    }

    @Test
    void spawnAndRunWorkFromManyThreads() throws Exception {
        supervisor.start();
        Aloop loop = supervisor.createAloop("shared");
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            AtomicLong sum = new AtomicLong();
            List<Future<?>> calls = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                calls.add(callers.submit(() -> {
                    List<CompletableFuture<Integer>> spawned = new ArrayList<>();
                    for (int i = 1; i <= 500; i++) {
                        int n = i;
                        spawned.add(loop.spawn(() -> CompletableFuture.completedFuture(n)));
                        sum.addAndGet(loop.run(() -> CompletableFuture.completedFuture(n)));
                    }
                    spawned.forEach(f -> sum.addAndGet(f.join()));
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
            assertThat(sum).hasValue(8L * 2 * (500 * 501 / 2));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void manySleepsShareOneThreadWithoutBlockingIt() throws Exception {
        supervisor.start();
        Aloop loop = supervisor.createAloop("timers");
        List<CompletableFuture<Void>> sleepers = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            sleepers.add(loop.spawn(() -> loop.sleep(Duration.ofMillis(200))));
        }
        CompletableFuture.allOf(sleepers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        // 200 blocking sleeps in a row would take 40 s; timers on one loop take about one sleep.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void runOnTheLoopThreadItselfIsRefused() throws Exception {
        supervisor.start();
        Aloop loop = supervisor.createAloop("self");
        CompletableFuture<Throwable> refusal = loop.spawn(() -> {
            try {
                loop.run(() -> CompletableFuture.completedFuture(1));
                return CompletableFuture.completedFuture(null);
            } catch (IllegalStateException e) {
                return CompletableFuture.completedFuture(e);
            }
        });
        assertThat(refusal.get()).hasMessageContaining("use spawn()");
    }

    @Test
    void executorRunsTasksOnTheLoopAndSurvivesTheirExceptions() throws Exception {
        supervisor.start();
        Aloop loop = supervisor.createAloop("tasks");
        loop.executor().execute(() -> {
            throw new IllegalStateException("logged, not fatal");
        });
        String thread = CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), loop.executor()).get();
        assertThat(thread).isEqualTo(loop.getThreadName());
        assertThat(loop.inLoop()).isFalse();
    }

    @Test
    void stopWaitsForPendingWork() {
        supervisor.start();
        Aloop loop = supervisor.createAloop("pending");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CompletableFuture<String> work = loop.spawn(() -> gate.thenCompose(v -> loop.sleep(Duration.ofMillis(10)))
                .thenApply(v -> "finished"));
        assertThat(loop.getPending()).isEqualTo(1);
        CompletableFuture<Void> stop = CompletableFuture.runAsync(loop::stop);
        await().until(() -> loop.getState() == AloopState.STOPPING);
        assertThat(stop).isNotDone();
        assertThatThrownBy(() -> loop.spawn(() -> CompletableFuture.completedFuture(1)))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("pending");
        gate.complete(null);
        stop.join();
        assertThat(work.join()).isEqualTo("finished");
        assertThat(loop.getState()).isEqualTo(AloopState.STOPPED);
        await().until(() -> SupervisorThreads.named(loop.getThreadName()).isEmpty());
    }

    @Test
    void stopWithTimeoutCancelsWhatIsStillPending() {
        supervisor.start();
        Aloop loop = supervisor.createAloop("stuck");
        CompletableFuture<Void> never = new CompletableFuture<>();
        CompletableFuture<Void> work = loop.spawn(() -> never);
        loop.stop(Duration.ofMillis(100));
        assertThat(work).isCancelled();
        assertThat(never).as("the function's own stage is cancelled too").isCancelled();
        await().until(() -> loop.getState() == AloopState.STOPPED);
    }

    @Test
    void stopWithCancelTasksCancelsAtOnce() {
        supervisor.start();
        Aloop loop = supervisor.createAloop("cancel");
        CompletableFuture<Void> sleeping = loop.spawn(() -> loop.sleep(Duration.ofHours(1)));
        loop.forceStop();
        assertThat(sleeping).isCancelled();
        assertThat(loop.getState()).isEqualTo(AloopState.STOPPED);
        assertThat(loop.getPending()).isZero();
    }

    @Test
    void supervisorStopWithCancelTasksCancelsAloopWork() {
        supervisor.start();
        Aloop loop = supervisor.createAloop("work");
        CompletableFuture<Void> sleeping = loop.spawn(() -> loop.sleep(Duration.ofHours(1)));
        supervisor.stop(StopOptions.defaults().withCancelTasks(true));
        assertThatThrownBy(sleeping::join).isInstanceOf(CancellationException.class);
        assertThat(loop.getState()).isEqualTo(AloopState.STOPPED);
    }

    @Test
    void supervisorStopWithDurationCancelsAloopWorkLeftAfterIt() {
        supervisor.start();
        Aloop loop = supervisor.createAloop("work");
        CompletableFuture<Void> sleeping = loop.spawn(() -> loop.sleep(Duration.ofHours(1)));
        supervisor.stop(Duration.ofMillis(100));
        assertThat(sleeping).isCancelled();
        await().until(() -> SupervisorThreads.of(id).isEmpty());
    }

    @Test
    void workBeforeStartIsRefusedClearly() {
        supervisor.start();
        Aloop loop = supervisor.createAloop("later", false, false, false);
        assertThat(loop.getState()).isEqualTo(AloopState.NEW);
        assertThatThrownBy(() -> loop.spawn(() -> CompletableFuture.completedFuture(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
        supervisor.startAloop("later");
        assertThat(loop.isActive()).isTrue();
    }

    @Test
    void aloopsCreatedBeforeTheSupervisorStartsStartWithIt() {
        Aloop early = supervisor.createAloop("early");
        Aloop manual = supervisor.createAloop("manual", false, false, false);
        assertThat(early.getState()).isEqualTo(AloopState.NEW);
        supervisor.start();
        assertThat(early.isActive()).isTrue();
        assertThat(manual.getState()).isEqualTo(AloopState.NEW);
    }

    @Test
    void namesAreUniqueAndTheSupervisorsOwnIsReserved() {
        supervisor.start();
        supervisor.createAloop("one");
        assertThatThrownBy(() -> supervisor.createAloop("one")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'one' already exists");
        assertThatThrownBy(() -> supervisor.createAloop(TaskSupervisor.RESERVED_ALOOP_NAME))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> supervisor.getAloop("missing")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no aloop named 'missing'");
        assertThat(supervisor.findAloop("missing")).isEmpty();
    }

    @Test
    void defaultAloopCanBeSetAndLookedUp() {
        supervisor.start();
        assertThat(supervisor.getDefaultAloop()).isEmpty();
        Aloop first = supervisor.createAloop("first", true, true, true);
        Aloop second = supervisor.createAloop("second");
        assertThat(supervisor.getDefaultAloop()).containsSame(first);
        supervisor.setDefaultAloop("second");
        assertThat(supervisor.getDefaultAloop()).containsSame(second);
        assertThat(supervisor.getAloop("first")).isSameAs(first);
        assertThat(supervisor.getAloops()).containsExactly(first, second);
        assertThat(supervisor.info().aloops()).filteredOn(a -> a.isDefault()).singleElement()
                .satisfies(a -> assertThat(a.name()).isEqualTo("second"));
    }

    @Test
    void daemonFlagIsTheThreadsDaemonFlag() throws Exception {
        supervisor.start();
        Aloop daemon = supervisor.createAloop("d", false, true, true);
        Aloop keeper = supervisor.createAloop("k", false, false, true);
        assertThat(daemon.run(() -> CompletableFuture.completedFuture(Thread.currentThread().isDaemon()))).isTrue();
        assertThat(keeper.run(() -> CompletableFuture.completedFuture(Thread.currentThread().isDaemon()))).isFalse();
    }

    @Test
    void pendingCountsUnfinishedFunctionsAndQueuedTasks() {
        supervisor.start();
        Aloop loop = supervisor.createAloop("count");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AtomicInteger ran = new AtomicInteger();
        loop.spawn(() -> gate);
        loop.spawn(() -> gate);
        loop.executor().execute(gate::join); // blocks the loop until the gate opens: the next task waits
        loop.executor().execute(ran::incrementAndGet);
        await().until(() -> loop.getPending() == 4);
        gate.complete(null);
        await().until(() -> loop.getPending() == 0);
        assertThat(ran).hasValue(1);
    }

    /** Runs a real JVM whose main returns while a supervisor and a daemon aloop are still running. */
    @Nested
    class DaemonThread {

        /** The program under test: starts a supervisor and a busy daemon aloop, never stops them. */
        public static final class ForgottenSupervisor {
            public static void main(String[] args) {
                TaskSupervisor supervisor = new TaskSupervisor("forgotten");
                supervisor.start();
                Aloop loop = supervisor.createAloop("background", true, true, true);
                loop.spawn(CompletableFuture::new); // pending forever
                supervisor.spawn(() -> { });
            }
        }

        @Test
        void aDaemonAloopAndAnUnstoppedSupervisorDoNotKeepTheJvmAlive() throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    ForgottenSupervisor.class.getName()))
                    .redirectErrorStream(true)
                    .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "forgotten-supervisor.log"))
                    .start();
            try {
                boolean exited = process.waitFor(60, TimeUnit.SECONDS);
                assertThat(exited).as("the JVM exited by itself").isTrue();
                assertThat(process.exitValue()).isZero();
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
