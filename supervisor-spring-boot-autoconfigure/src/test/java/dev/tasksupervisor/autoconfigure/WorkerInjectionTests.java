package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import jakarta.annotation.PostConstruct;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.mock.env.MockEnvironment;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.testsupport.LogCapture;
import dev.tasksupervisor.worker.EventWorker;
import dev.tasksupervisor.worker.IntervalWorker;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerState;

/** The workers of {@code @Worker} methods are beans: injected by type with generics and by name, in constructors too. */
class WorkerInjectionTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class))
            .withPropertyValues("supervisor.id=inject-" + UUID.randomUUID().toString().substring(0, 8));

    record Order(int id) {
    }

    record Refund(int id) {
    }

    static class Orders {
        final List<Order> shipped = new CopyOnWriteArrayList<>();
        final List<Refund> refunded = new CopyOnWriteArrayList<>();

        @Worker(queue = true)
        void ship(Order order) {
            shipped.add(order);
        }

        @Worker(queue = true, batchSize = 10)
        void refund(List<Refund> refunds) {
            refunded.addAll(refunds);
        }

        @Worker(interval = "1h")
        void report() {
        }
    }

    /** Takes the workers in its constructor, which runs before the context starts its workers. */
    static class Shop {
        final QueueWorker<Order> ship;
        final QueueWorker<Refund> refund;
        final IntervalWorker report;
        String seenInPostConstruct;

        Shop(QueueWorker<Order> ship, QueueWorker<Refund> refund, IntervalWorker report) {
            this.ship = ship;
            this.refund = refund;
            this.report = report;
        }

        @PostConstruct
        void init() {
            seenInPostConstruct = ship.getName() + " " + ship.getState();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ShopConfiguration {
        // The shop is defined before the orders: injecting a worker creates the bean whose method it runs.
        @Bean
        Shop shop(QueueWorker<Order> ship, QueueWorker<Refund> refund, IntervalWorker report) {
            return new Shop(ship, refund, report);
        }

        @Bean
        Orders orders() {
            return new Orders();
        }
    }

    @Test
    void aWorkerIsInjectedByItsTypeWithGenericsIntoAConstructorAndIsTheOneTheSupervisorRuns() {
        contextRunner.withUserConfiguration(ShopConfiguration.class).run(context -> {
            assertThat(context).hasNotFailed();
            Shop shop = context.getBean(Shop.class);
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            assertThat(shop.seenInPostConstruct).isEqualTo("ship " + WorkerState.NEW);
            assertThat(shop.ship).isSameAs(supervisor.getWorker("ship")).isSameAs(context.getBean("shipWorker"));
            assertThat(shop.refund).isSameAs(supervisor.getWorker("refund"));
            assertThat(shop.refund.getBatchSize()).isEqualTo(10);
            assertThat(shop.report).isSameAs(supervisor.getWorker("report"));
            shop.ship.put(new Order(1));
            shop.refund.put(new Refund(2));
            Orders orders = context.getBean(Orders.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> orders.shipped.size() == 1 && orders.refunded.size() == 1);
        });
    }

    /** Puts into the worker of its own method: through a provider, since the worker needs this bean first. */
    static class SelfFeeding {
        private final ObjectProvider<QueueWorker<Order>> self;
        final List<Order> shipped = new CopyOnWriteArrayList<>();

        SelfFeeding(ObjectProvider<QueueWorker<Order>> self) {
            this.self = self;
        }

        void order(Order order) {
            self.getObject().put(order);
        }

        @Worker(queue = true)
        void ship(Order order) {
            shipped.add(order);
        }
    }

    @Test
    void aBeanReachesTheWorkerOfItsOwnMethodThroughAProvider() {
        contextRunner.withUserConfiguration(SelfFeeding.class).run(context -> {
            assertThat(context).hasNotFailed();
            SelfFeeding bean = context.getBean(SelfFeeding.class);
            bean.order(new Order(3));
            await().atMost(Duration.ofSeconds(10)).until(() -> bean.shipped.contains(new Order(3)));
        });
    }

    @Test
    void theRegistrarRunAgainOverItsOwnDefinitionsAddsNone() {
        // As under Spring AOT, where the definitions generated at build time are there when it runs again.
        DefaultListableBeanFactory registry = new DefaultListableBeanFactory();
        registry.registerBeanDefinition("orders", new RootBeanDefinition(Orders.class));
        WorkerBeanRegistrar registrar = new WorkerBeanRegistrar(new MockEnvironment());
        registrar.postProcessBeanDefinitionRegistry(registry);
        registrar.postProcessBeanDefinitionRegistry(registry);
        assertThat(registry.getBeanDefinitionNames())
                .containsExactlyInAnyOrder("orders", "shipWorker", "refundWorker", "reportWorker");
    }

    static class TwoQueuesOfOrders {
        @Worker(queue = true)
        void ship(Order order) {
        }

        @Worker(queue = true)
        void audit(Order order) {
        }
    }

    record Picked(QueueWorker<Order> worker) {
    }

    @Configuration(proxyBeanMethods = false)
    @Import(TwoQueuesOfOrders.class)
    static class ByQualifier {
        @Bean
        Picked picked(@Qualifier("audit") QueueWorker<Order> audit) {
            return new Picked(audit);
        }
    }

    @Test
    void theWorkersNameIsItsQualifier() {
        contextRunner.withUserConfiguration(ByQualifier.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Picked.class).worker().getName()).isEqualTo("audit");
            assertThat(context.getBeanNamesForType(QueueWorker.class)).containsExactlyInAnyOrder("shipWorker", "auditWorker");
        });
    }

    @Configuration(proxyBeanMethods = false)
    @Import(Orders.class)
    static class WrongItemType {
        @Bean
        Picked picked(QueueWorker<String> strings) {
            return new Picked(null);
        }
    }

    @Test
    void aQueueWorkerOfAnotherItemTypeIsNoCandidate() {
        contextRunner.withUserConfiguration(WrongItemType.class).run(context -> assertThat(context).getFailure()
                .rootCause().isInstanceOf(NoSuchBeanDefinitionException.class)
                .hasMessageContaining("QueueWorker<java.lang.String>"));
    }

    @Test
    void theLookUpByNameRefusesAnItemTypeTheMethodDoesNotTake() {
        contextRunner.withUserConfiguration(Orders.class).run(context -> {
            TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
            assertThat(supervisor.getQueueWorker("ship", Order.class)).isSameAs(context.getBean("shipWorker"));
            assertThat(supervisor.getQueueWorker("refund", Refund.class).getItemType()).isEqualTo(Refund.class);
            assertThatIllegalArgumentException().isThrownBy(() -> supervisor.getQueueWorker("ship", String.class))
                    .withMessageContaining("takes " + Order.class.getName() + " items, not java.lang.String");
        });
    }

    @Test
    void aDisabledWorkerIsNoBean() {
        contextRunner.withUserConfiguration(Orders.class).withPropertyValues("supervisor.workers.ship.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeanNamesForType(QueueWorker.class)).containsExactly("refundWorker");
                });
    }

    static class Bell {
        @Worker(event = true)
        void ring() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(Bell.class)
    static class TakenName {
        @Bean
        String ringWorker() {
            return "a bean of the application's own";
        }
    }

    @Test
    void aWorkerWhoseBeanNameIsTakenGetsAnotherAndKeepsItsQualifier() {
        contextRunner.withUserConfiguration(TakenName.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("ringWorker")).isEqualTo("a bean of the application's own");
            assertThat(context.getBean("supervisor.worker.ring")).isInstanceOf(EventWorker.class)
                    .isSameAs(context.getBean(EventWorker.class));
        });
    }

    @Test
    void autoStartFalseRegistersEveryWorkerWithoutStartingAnyAndTheLogSaysSo() {
        try (LogCapture logs = LogCapture.of(SupervisorLifecycle.class)) {
            contextRunner.withUserConfiguration(Orders.class).withPropertyValues("supervisor.auto-start=false")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        TaskSupervisor supervisor = context.getBean(TaskSupervisor.class);
                        assertThat(supervisor.getWorkers()).hasSize(3)
                                .allSatisfy(worker -> assertThat(worker.getState()).isEqualTo(WorkerState.NEW));
                        QueueWorker<?> ship = supervisor.getQueueWorker("ship");
                        ship.start();
                        supervisor.getQueueWorker("ship", Order.class).put(new Order(7));
                        await().atMost(Duration.ofSeconds(10))
                                .until(() -> context.getBean(Orders.class).shipped.contains(new Order(7)));
                    });
            assertThat(logs.messages(Level.INFO)).anySatisfy(message -> assertThat(message)
                    .contains("3 worker(s) registered, 0 started (supervisor.auto-start=false)"));
        }
    }

    @Test
    void theStartUpLogNamesEachWorkerWithItsKindScheduleAndMethod() {
        try (LogCapture logs = LogCapture.of(SupervisorLifecycle.class)) {
            contextRunner.withUserConfiguration(Orders.class).run(context -> assertThat(context).hasNotFailed());
            assertThat(logs.messages(Level.INFO)).anySatisfy(message -> assertThat(message)
                    .contains("worker 'report': interval, every PT1H, started, method "
                            + Orders.class.getName() + ".report() of bean"));
            assertThat(logs.messages(Level.INFO)).anySatisfy(message -> assertThat(message)
                    .contains("worker 'refund': queue, per batch of up to 10, "));
        }
    }
}
