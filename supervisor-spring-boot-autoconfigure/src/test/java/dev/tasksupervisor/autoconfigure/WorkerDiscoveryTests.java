package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.ContinuousWorker;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.FailureBackoff;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerContext;
import dev.tasksupervisor.worker.WorkerKind;
import dev.tasksupervisor.worker.WorkerState;

/** {@code @Worker} methods and worker beans: found, built as the right kind, configured, started. */
class WorkerDiscoveryTests {

    private final String id = "workers-" + UUID.randomUUID().toString().substring(0, 8);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=" + id);

    @Test
    void intervalMethodRunsOnItsScheduleUnderTheMethodsName() {
        contextRunner.withUserConfiguration(Heartbeat.class).withPropertyValues("heartbeat.every=30ms").run(context -> {
            IntervalWorker worker = context.getBean(TaskSupervisor.class).getWorker("heartbeat", IntervalWorker.class);
            assertThat(worker.isActive()).isTrue();
            assertThat(worker.getSchedule()).isEqualTo("every PT0.03S");
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(Heartbeat.class).runs.get() >= 3);
        });
    }

    @Test
    void backoffPropertiesSetAContinuousWorkersFailureBackoffAndKeepTheDefaultsOfTheRest() {
        contextRunner.withUserConfiguration(AsyncPoller.class).withPropertyValues("supervisor.aloops.io.default=true",
                "supervisor.workers.poll.backoff.initial=2s", "supervisor.workers.poll.backoff.max=1m").run(context ->
                        assertThat(context.getBean(TaskSupervisor.class).getWorker("poll").getFailureBackoff())
                                .isEqualTo(new FailureBackoff(Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1))));
        contextRunner.withUserConfiguration(AsyncPoller.class).withPropertyValues("supervisor.aloops.io.default=true",
                "supervisor.workers.poll.backoff.multiplier=1").run(context ->
                        assertThat(context.getBean(TaskSupervisor.class).getWorker("poll").getFailureBackoff())
                                .isEqualTo(new FailureBackoff(Duration.ofMillis(100), 1.0, Duration.ofSeconds(30))));
    }

    @Test
    void durationsAcceptIsoAndSimpleFormsAndPlaceholderDefaults() {
        contextRunner.withUserConfiguration(Heartbeat.class).withPropertyValues("heartbeat.every=PT0.5S")
                .run(context -> assertThat(context.getBean(TaskSupervisor.class).getWorker("heartbeat").getSchedule())
                        .isEqualTo("every PT0.5S"));
        contextRunner.withUserConfiguration(Heartbeat.class) // no property: the placeholder's default, 1h
                .run(context -> assertThat(context.getBean(TaskSupervisor.class).getWorker("heartbeat").getSchedule())
                        .isEqualTo("every PT1H"));
    }

    @Test
    void queueMethodHandlesEachItemPutByNameWithItsContext() {
        contextRunner.withUserConfiguration(Orders.class).run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            QueueWorker<String> orders = supervisor.getQueueWorker("orders", String.class);
            assertThat(orders.getCapacity()).isEqualTo(100);
            orders.put("a");
            orders.put("b");
            Orders bean = context.getBean(Orders.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> bean.handled.size() == 2);
            assertThat(bean.handled).containsExactly("a@orders", "b@orders");
        });
    }

    @Test
    void queueWorkerRefusesAnItemItsMethodCannotTake() {
        contextRunner.withUserConfiguration(Orders.class).run(context -> {
            QueueWorker<Object> orders = unchecked(context.getBean(TaskSupervisor.class).getQueueWorker("orders"));
            assertThatIllegalArgumentException().isThrownBy(() -> orders.put(42))
                    .withMessageContaining("'orders' takes java.lang.String items").withMessageContaining("Integer");
        });
    }

    /**
     * The type check on every put allocates nothing: a put costs its queue node. Joining the worker's description
     * for the error message on every put, not only on a refusal, made each 88 bytes instead of 48 in the
     * benchmarks; measured here as the putting thread's own allocation, with the worker paused so no run mixes in.
     */
    @Test
    void aQueueMethodsPutAllocatesOnlyItsQueueNode() {
        contextRunner.withUserConfiguration(Sink.class).run(context -> {
            QueueWorker<String> sink = context.getBean(TaskSupervisor.class).getQueueWorker("sink", String.class);
            sink.pause();
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
            String item = "order";
            for (int i = 0; i < 2_000; i++) { // warm up: the first puts load and link classes
                sink.put(item);
            }
            int puts = 5_000; // with the warm-up below the unbounded queue's first growth warning (10,000)
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < puts; i++) {
                sink.put(item);
            }
            long perPut = (threads.getCurrentThreadAllocatedBytes() - before) / puts;
            assertThat(perPut).as("bytes allocated per put").isLessThanOrEqualTo(40);
            sink.resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> context.getBean(Sink.class).handled.get() == 7_000);
        });
    }

    @Test
    void aQueueMethodsRunAllocatesNoArgumentArray() {
        contextRunner.withUserConfiguration(AllocationProbe.class).run(context -> {
            QueueWorker<String> probe = context.getBean(TaskSupervisor.class).getQueueWorker("probe", String.class);
            AllocationProbe bean = context.getBean(AllocationProbe.class);
            probe.pause();
            for (int i = 0; i < AllocationProbe.ITEMS; i++) {
                probe.put("order");
            }
            probe.resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> bean.calls.get() == AllocationProbe.ITEMS);
            // Bytes the running thread allocated from one call of the method to the next, over the last 5,000
            // items (the first 2,000 load classes and warm up): the drain's own work and the call itself.
            long bytes = 0;
            int steps = 0;
            for (int i = AllocationProbe.ITEMS - 5_000; i < AllocationProbe.ITEMS; i++) {
                if (bean.thread[i] == bean.thread[i - 1]) {
                    bytes += bean.allocated[i] - bean.allocated[i - 1];
                    steps++;
                }
            }
            assertThat(steps).as("calls that followed another on the same thread").isGreaterThan(2_500);
            assertThat(bytes / steps).as("bytes allocated per item between two calls").isLessThanOrEqualTo(8);
        });
    }

    @Test
    void aQueueMethodTakingAPrimitiveGetsEachItemUnboxed() {
        contextRunner.withUserConfiguration(Adder.class).run(context -> {
            QueueWorker<Integer> add = context.getBean(TaskSupervisor.class).getQueueWorker("add", Integer.class);
            for (int i = 1; i <= 100; i++) {
                add.put(i);
            }
            Adder bean = context.getBean(Adder.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> bean.sum.get() == 5_050);
            assertThatIllegalArgumentException().isThrownBy(() -> unchecked(add).put("7"))
                    .withMessageContaining("'add' takes java.lang.Integer items");
            assertThat(add.getFailures()).isZero();
        });
    }

    /** A queue worker as code that ignores its item type sees it: what put must still refuse. */
    @SuppressWarnings("unchecked")
    private static QueueWorker<Object> unchecked(QueueWorker<?> worker) {
        return (QueueWorker<Object>) worker;
    }

    @Test
    void queueMethodsInheritedFromAGenericClassTakeOnlyItemsOfTheTypeArgument() {
        contextRunner.withUserConfiguration(StringHandler.class, StringBatches.class).run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            QueueWorker<Object> single = unchecked(supervisor.getQueueWorker("handle"));
            QueueWorker<Object> batches = unchecked(supervisor.getQueueWorker("storeAll"));
            assertThatIllegalArgumentException().isThrownBy(() -> single.put(42))
                    .withMessageContaining("'handle' takes java.lang.String items");
            assertThatIllegalArgumentException().isThrownBy(() -> batches.put(42))
                    .withMessageContaining("'storeAll' takes java.lang.String items");
            single.put("one");
            batches.put("two");
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(StringHandler.class).handled.size() == 2);
            assertThat(context.getBean(StringHandler.class).handled).containsExactlyInAnyOrder("one", "two");
            assertThat(single.getFailures() + batches.getFailures()).isZero();
        });
    }

    @Test
    void batchMethodGetsListsOfAtMostBatchSize() {
        contextRunner.withUserConfiguration(Batches.class).run(context -> {
            QueueWorker<Integer> worker = context.getBean(TaskSupervisor.class).getQueueWorker("store", Integer.class);
            assertThat(worker.getBatchSize()).isEqualTo(3);
            for (int i = 0; i < 7; i++) {
                worker.put(i);
            }
            Batches bean = context.getBean(Batches.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> bean.batches.stream().mapToInt(List::size).sum() == 7);
            assertThat(bean.batches).allMatch(batch -> batch.size() <= 3);
        });
    }

    @Test
    void eventMethodRunsWhenTriggeredByName() {
        contextRunner.withUserConfiguration(Refresh.class).run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            assertThat(supervisor.getWorker("rebuild")).isInstanceOf(EventWorker.class);
            Refresh bean = context.getBean(Refresh.class);
            assertThat(bean.runs).hasValue(0);
            supervisor.trigger("rebuild");
            await().atMost(Duration.ofSeconds(10)).until(() -> bean.runs.get() == 1);
        });
    }

    @Test
    void methodReturningAStageRunsAgainAndAgainOnItsAloop() {
        contextRunner.withUserConfiguration(AsyncPoller.class)
                .withPropertyValues("supervisor.aloops.main.default=true", "supervisor.aloops.io.daemon=true")
                .run(context -> {
                    BackgroundWorker worker = context.getBean(TaskSupervisor.class).getWorker("poll");
                    assertThat(worker.getKind()).isEqualTo(WorkerKind.ASYNC);
                    AsyncPoller bean = context.getBean(AsyncPoller.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> bean.threads.size() >= 3);
                    assertThat(bean.threads).allMatch(name -> name.equals("supervisor_" + id + "_aloop_main"));
                });
        contextRunner.withUserConfiguration(AsyncPoller.class)
                .withPropertyValues("supervisor.aloops.main.default=true", "supervisor.aloops.io.daemon=true",
                        "supervisor.workers.poll.aloop=io")
                .run(context -> {
                    AsyncPoller bean = context.getBean(AsyncPoller.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> !bean.threads.isEmpty());
                    assertThat(bean.threads.get(0)).isEqualTo("supervisor_" + id + "_aloop_io");
                });
    }

    @Test
    void plainMethodRunsAgainAndAgainOnAPoolThreadUntilItReturnsFalse() {
        contextRunner.withUserConfiguration(Countdown.class).run(context -> {
            BackgroundWorker worker = context.getBean(TaskSupervisor.class).getWorker("countdown");
            assertThat(worker).isInstanceOf(ContinuousWorker.class);
            assertThat(worker.getKind()).isEqualTo(WorkerKind.PLAIN);
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.getState() == WorkerState.STOPPED);
            Countdown bean = context.getBean(Countdown.class);
            assertThat(bean.left).hasValue(0);
            assertThat(bean.thread.get()).startsWith("supervisor_" + id + "_pool_");
        });
    }

    @Test
    void beanExtendingAWorkerClassIsStartedWithItsAnnotationsSettings() {
        contextRunner.withUserConfiguration(TickerConfiguration.class).run(context -> {
            Ticker ticker = context.getBean(Ticker.class);
            assertThat(context.getBean(TaskSupervisor.class).getWorker("ticker")).isSameAs(ticker);
            assertThat(ticker.getSchedule()).isEqualTo("delay PT0.02S");
            await().atMost(Duration.ofSeconds(10)).until(() -> ticker.ticks.get() >= 2);
        });
    }

    @Test
    void autoStartFalseRegistersTheWorkerWithoutStartingIt() {
        contextRunner.withUserConfiguration(Dormant.class).run(context -> {
            BackgroundWorker worker = context.getBean(TaskSupervisor.class).getWorker("dormant");
            assertThat(worker.getState()).isEqualTo(WorkerState.NEW);
            worker.start();
            context.getBean(TaskSupervisor.class).trigger("dormant");
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(Dormant.class).runs.get() == 1);
        });
    }

    @Test
    void propertiesOverrideTheAnnotation() {
        contextRunner.withUserConfiguration(Heartbeat.class, Orders.class, Batches.class, Refresh.class, Dormant.class)
                .withPropertyValues("supervisor.workers.heartbeat.delay=2s", "supervisor.workers.heartbeat.initial-delay=1h",
                        "supervisor.workers.orders.queue-capacity=5", "supervisor.workers.orders.auto-start=false",
                        "supervisor.workers.store.batch-size=9", "supervisor.workers.rebuild.poll-delay=77ms",
                        "supervisor.workers.dormant.auto-start=true")
                .run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    assertThat(supervisor.getWorker("heartbeat").getSchedule()).isEqualTo("delay PT2S");
                    // Without initial-delay, the delay worker would run at once.
                    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                            .until(() -> context.getBean(Heartbeat.class).runs.get() == 0);
                    QueueWorker<String> orders = supervisor.getQueueWorker("orders", String.class);
                    assertThat(orders.getCapacity()).isEqualTo(5);
                    assertThat(orders.getState()).isEqualTo(WorkerState.NEW);
                    assertThat(supervisor.getQueueWorker("store", Integer.class).getBatchSize()).isEqualTo(9);
                    assertThat(supervisor.getWorker("rebuild").getPollDelay()).isEqualTo(Duration.ofMillis(77));
                    assertThat(supervisor.getWorker("dormant").isActive()).isTrue();
                });
    }

    @Test
    void anIntervalPlaceholderThatResolvesToNothingTakesTheScheduleFromTheProperties() {
        contextRunner.withUserConfiguration(SupervisorFailureAnalyzerTests.EmptyInterval.class)
                .withPropertyValues("supervisor.workers.tick.delay=50ms")
                .run(context -> assertThat(context.getBean(TaskSupervisor.class).getWorker("tick").getSchedule())
                        .isEqualTo("delay PT0.05S"));
    }

    @Test
    void intervalPropertyReplacesTheAnnotationsDelay() {
        contextRunner.withUserConfiguration(TickerConfiguration.class)
                .withPropertyValues("supervisor.workers.ticker.interval=3s")
                .run(context -> assertThat(context.getBean(Ticker.class).getSchedule()).contains("every PT3S"));
    }

    @Test
    void overridesFindACamelCaseWorkerByAnyRelaxedFormOfItsName() {
        contextRunner.withUserConfiguration(Named.class, Dormant.class)
                .withPropertyValues("names.worker=refreshCache", "supervisor.workers.refresh-cache.poll-delay=5ms",
                        "supervisor.workers.DORMANT.auto-start=true")
                .run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    assertThat(supervisor.getWorker("refreshCache").getPollDelay()).isEqualTo(Duration.ofMillis(5));
                    assertThat(supervisor.getWorker("dormant").isActive()).isTrue();
                });
    }

    @Test
    void methodOfAProxiedBeanRunsOnTheTarget() {
        contextRunner.withUserConfiguration(ProxiedConfiguration.class).run(context -> {
            ProxiedWorkers bean = context.getBean(ProxiedWorkers.class);
            assertThat(AopUtils.isAopProxy(bean)).isTrue();
            context.getBean(TaskSupervisor.class).trigger("proxied");
            await().atMost(Duration.ofSeconds(10)).until(() -> bean.runs() == 1);
        });
    }

    @Test
    void workerBeanBehindAJdkProxyIsRegisteredAsItsTarget() {
        contextRunner.withUserConfiguration(JdkProxiedTickerConfiguration.class).run(context -> {
            Object bean = context.getBean("asyncTicker");
            assertThat(AopUtils.isJdkDynamicProxy(bean)).isTrue();
            AsyncTicker target = (AsyncTicker) AopProxyUtils.getSingletonTarget(bean);
            assertThat(context.getBean(TaskSupervisor.class).getWorker("asyncTicker")).isSameAs(target);
            await().atMost(Duration.ofSeconds(10)).until(() -> target.ticks.get() >= 2);
        });
    }

    @Test
    void workerBeanBehindAClassProxyIsRegisteredOnceAsItsTarget() {
        contextRunner.withUserConfiguration(ClassProxiedTickerConfiguration.class).run(context -> {
            AsyncTicker bean = context.getBean(AsyncTicker.class);
            assertThat(AopUtils.isCglibProxy(bean)).isTrue();
            Object target = AopProxyUtils.getSingletonTarget(bean);
            assertThat(context.getBean(TaskSupervisor.class).getWorker("asyncTicker")).isSameAs(target);
            await().atMost(Duration.ofSeconds(10)).until(() -> bean.ticks() >= 2); // through the proxy
        });
    }

    @Test
    void workersAreFoundUnderLazyInitialization() {
        contextRunner.withInitializer(context -> context.addBeanFactoryPostProcessor(
                        new LazyInitializationBeanFactoryPostProcessor()))
                .withUserConfiguration(Refresh.class, TickerConfiguration.class).run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    assertThat(supervisor.findWorker("rebuild")).isPresent();
                    assertThat(supervisor.findWorker("ticker")).isPresent();
                });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aWorkerBeanCreatedAfterStartUpIsLoggedAndNotKept(CapturedOutput output) {
        contextRunner.withUserConfiguration(PrototypeConfiguration.class).run(context -> {
            WeakReference<Object> late = new WeakReference<>(context.getBean(PrototypeWorkers.class));
            assertThat(output).contains("Worker of method " + PrototypeWorkers.class.getName() + ".perRequest()")
                    .contains("found after the context started");
            assertThat(context.getBean(TaskSupervisor.class).findWorker("perRequest")).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                System.gc();
                return late.get() == null;
            });
        });
    }

    @Test
    void workersOfAChildContextRunOnTheParentsSupervisorAndLeaveItWithTheChild() {
        contextRunner.withUserConfiguration(Heartbeat.class).run(parent -> {
            TaskSupervisor supervisor = parent.getBean(TaskSupervisor.class);
            new ApplicationContextRunner().withParent(parent)
                    .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
                    .withUserConfiguration(Refresh.class).run(child -> {
                        assertThat(child).hasNotFailed();
                        assertThat(child.getBean(TaskSupervisor.class)).isSameAs(supervisor);
                        supervisor.trigger("rebuild");
                        await().atMost(Duration.ofSeconds(10)).until(() -> child.getBean(Refresh.class).runs.get() == 1);
                    });
            assertThat(supervisor.isActive()).as("the parent's, stopped with the parent").isTrue();
            assertThat(supervisor.findWorker("rebuild")).as("gone with the child").isEmpty();
            assertThat(supervisor.getWorker("heartbeat").isActive()).isTrue();
        });
    }

    @Test
    void aChildContextClosedWhilePausedLeavesNeitherWorkerNorThreadBehind() {
        contextRunner.run(parent -> {
            TaskSupervisor supervisor = parent.getBean(TaskSupervisor.class);
            new ApplicationContextRunner().withParent(parent)
                    .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
                    .withUserConfiguration(Refresh.class).run(child -> {
                        assertThat(SupervisorAutoConfigurationTests.threads("supervisor_" + id + "_keep_alive")).hasSize(1);
                        child.stop();
                    });
            assertThat(supervisor.findWorker("rebuild")).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    SupervisorAutoConfigurationTests.threads("supervisor_" + id + "_keep_alive").isEmpty());
            assertThat(supervisor.isActive()).isTrue();
        });
    }

    @Test
    void enabledFalseLeavesTheWorkerOut() {
        contextRunner.withUserConfiguration(Heartbeat.class, Orders.class)
                .withPropertyValues("supervisor.workers.heartbeat.enabled=false").run(context -> {
                    TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                    assertThat(supervisor.findWorker("heartbeat")).isEmpty();
                    assertThat(supervisor.findWorker("orders")).isPresent();
                });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void logsNameTheWorkerPropertiesAsTheConfigurationSpellsThem(CapturedOutput output) {
        contextRunner.withUserConfiguration(Named.class, Heartbeat.class)
                .withPropertyValues("names.worker=refreshCache", "supervisor.workers.refresh-cache.enabled=false",
                        "supervisor.workers.no_such.poll-delay=5ms")
                .run(context -> {
                    assertThat(context.getBean(TaskSupervisor.class).findWorker("refreshCache")).isEmpty();
                    assertThat(output).contains("is disabled by supervisor.workers.refresh-cache.enabled")
                            .contains("supervisor.workers.no_such.* configures a worker that does not exist");
                });
    }

    @Test
    void workerNameComesFromTheAnnotationWithPlaceholders() {
        contextRunner.withUserConfiguration(Named.class).withPropertyValues("names.worker=renamed")
                .run(context -> assertThat(context.getBean(TaskSupervisor.class).findWorker("renamed")).isPresent());
    }

    // ------------------------------------------------------------------ beans

    @Configuration(proxyBeanMethods = false)
    static class Heartbeat {

        final AtomicInteger runs = new AtomicInteger();
        /** What the task decorators had put around each run. */
        final List<List<String>> marks = new CopyOnWriteArrayList<>();

        @Worker(interval = "${heartbeat.every:1h}")
        void heartbeat() {
            runs.incrementAndGet();
            marks.add(List.copyOf(SupervisorAutoConfigurationTests.DecoratorsConfiguration.MARKS.get()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Orders {

        static final AtomicReference<String> LAST = new AtomicReference<>();
        final List<String> handled = new CopyOnWriteArrayList<>();

        @Worker(queue = true, queueCapacity = 100)
        void orders(WorkerContext context, String order) {
            handled.add(order + "@" + context.name());
            LAST.set(order);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Sink {

        final AtomicInteger handled = new AtomicInteger();

        @Worker(queue = true)
        void sink(String item) {
            handled.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AllocationProbe {

        static final int ITEMS = 7_000; // below the unbounded queue's first growth warning (10,000)
        private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

        final AtomicInteger calls = new AtomicInteger();
        // Written by the one thread a call runs on, read after the last call: the worker runs one at a time.
        final long[] allocated = new long[ITEMS];
        final long[] thread = new long[ITEMS];

        @Worker(queue = true)
        void probe(String item) {
            int call = calls.get();
            thread[call] = Thread.currentThread().getId();
            allocated[call] = THREADS.getCurrentThreadAllocatedBytes();
            calls.set(call + 1);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Adder {

        final AtomicInteger sum = new AtomicInteger();

        @Worker(queue = true)
        void add(int n) {
            sum.addAndGet(n);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Batches {

        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

        @Worker(batchSize = 3)
        boolean store(List<Integer> batch) {
            batches.add(List.copyOf(batch));
            return true;
        }
    }

    /** Queue methods whose item type is a type variable, resolved by the subclass. */
    abstract static class GenericHandler<T> {

        final List<String> handled = new CopyOnWriteArrayList<>();

        @Worker(queue = true)
        void handle(T item) {
            handled.add(item.toString());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class StringHandler extends GenericHandler<String> {
    }

    abstract static class GenericBatches<T> {

        @Autowired
        StringHandler handler;

        @Worker(batchSize = 5)
        void storeAll(List<T> items) {
            items.forEach(item -> handler.handled.add(item.toString()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class StringBatches extends GenericBatches<String> {
    }

    @Configuration(proxyBeanMethods = false)
    static class Refresh {

        final AtomicInteger runs = new AtomicInteger();

        @Worker(event = true)
        void rebuild() {
            runs.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AsyncPoller {

        final List<String> threads = new CopyOnWriteArrayList<>();

        @Worker
        CompletionStage<Void> poll(WorkerContext context) {
            threads.add(Thread.currentThread().getName());
            Aloop loop = context.aloop().orElseThrow();
            return loop.sleep(Duration.ofMillis(10)); // waits on the loop's timer, never blocks its thread
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Countdown {

        final AtomicInteger left = new AtomicInteger(3);
        final AtomicReference<String> thread = new AtomicReference<>();

        @Worker
        boolean countdown() {
            thread.set(Thread.currentThread().getName());
            return left.decrementAndGet() > 0;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Dormant {

        final AtomicInteger runs = new AtomicInteger();

        @Worker(event = true, autoStart = false)
        void dormant() {
            runs.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Named {

        @Worker(name = "${names.worker}", event = true)
        void whatever() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class ProxiedConfiguration {

        @Bean
        ProxiedWorkers proxiedWorkers() {
            return new ProxiedWorkers();
        }
    }

    /** Proxied because of its {@code @Async} method; its worker must still reach the real object. */
    static class ProxiedWorkers {

        private final AtomicInteger runs = new AtomicInteger();

        @Async
        public void elsewhere() {
        }

        @Worker(event = true)
        public void proxied() {
            runs.incrementAndGet();
        }

        public int runs() {
            return runs.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TickerConfiguration {

        @Bean
        Ticker ticker(TaskSupervisor supervisor) {
            return new Ticker(supervisor);
        }
    }

    /** A worker of the application's own: a subclass with its settings on the class. */
    @Worker(delay = "20ms")
    static class Ticker extends IntervalWorker {

        final AtomicInteger ticks = new AtomicInteger();

        Ticker(TaskSupervisor supervisor) {
            this(supervisor, "ticker");
        }

        Ticker(TaskSupervisor supervisor, String name) {
            super(supervisor, name, false);
        }

        @Override
        protected Object run(WorkerContext context) {
            ticks.incrementAndGet();
            return null;
        }

        public int ticks() {
            return ticks.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeConfiguration {

        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        PrototypeWorkers prototypeWorkers() {
            return new PrototypeWorkers();
        }
    }

    /** A bean made per use, after start-up: its worker cannot be registered. */
    static class PrototypeWorkers {

        @Worker(event = true)
        void perRequest() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync // a JDK proxy: the worker classes implement interfaces
    static class JdkProxiedTickerConfiguration {

        @Bean
        AsyncTicker asyncTicker(TaskSupervisor supervisor) {
            return new AsyncTicker(supervisor);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync(proxyTargetClass = true)
    static class ClassProxiedTickerConfiguration {

        @Bean
        AsyncTicker asyncTicker(TaskSupervisor supervisor) {
            return new AsyncTicker(supervisor);
        }
    }

    /** A worker bean proxied because of an {@code @Async} method. */
    static class AsyncTicker extends Ticker {

        AsyncTicker(TaskSupervisor supervisor) {
            super(supervisor, "asyncTicker");
        }

        @Async
        public void elsewhere() {
        }
    }

    static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
