package dev.tasksupervisor.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.autoconfigure.endpoint.SupervisorEndpoint;
import dev.tasksupervisor.autoconfigure.jdbc.SupervisorJdbcAutoConfiguration;
import dev.tasksupervisor.autoconfigure.metrics.SupervisorMetricsAutoConfiguration;
import dev.tasksupervisor.autoconfigure.observation.SupervisorObservationAutoConfiguration;
import dev.tasksupervisor.jdbc.JdbcQueueStore;
import dev.tasksupervisor.worker.DurableQueueWorker;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * {@code @Worker(durable = true)} and {@code supervisor.workers.<name>.durable} (issue 18): the same method and the
 * same {@code QueueWorker} injection, with the items kept in the application's database as JSON.
 */
class DurableWorkerTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, SupervisorJdbcAutoConfiguration.class))
            .withPropertyValues("supervisor.id=durable-" + UUID.randomUUID().toString().substring(0, 8),
                    "supervisor.workers.ship.poll-delay=50ms")
            .withBean(DataSource.class, DurableWorkerTests::newDatabase);

    private static DataSource newDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:durable-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    /** What a shop ships; a record, which Jackson writes and reads back. */
    record Order(String id, int lines) {
    }

    static class Shipping {
        final List<Order> shipped = new CopyOnWriteArrayList<>();

        @Worker(durable = true)
        void ship(Order order) {
            shipped.add(order);
        }
    }

    static class InMemoryShipping {
        final List<Order> shipped = new CopyOnWriteArrayList<>();

        @Worker(queue = true)
        void ship(Order order) {
            shipped.add(order);
        }
    }

    /** Writable as JSON, but with no creator Jackson could read it back with. */
    static final class Unreadable {
        private final String value;

        Unreadable(String value, int unused) {
            this.value = value;
        }

        public String getValue() {
            return value;
        }
    }

    static class TakesUnreadable {
        @Worker(durable = true)
        void take(Unreadable item) {
        }
    }

    static class BatchedDurable {
        @Worker(durable = true, batchSize = 10)
        void ship(List<Order> orders) {
        }
    }

    @Test
    void aDurableItemsRunIsObservedThoughItsPutWasOutsideAnyObservation() {
        // The default observes an in-memory queue's items only when their put continues a trace; a durable item
        // comes from the database, with no caller's context, and is observed all the same.
        contextRunner.withConfiguration(AutoConfigurations.of(SupervisorObservationAutoConfiguration.class))
                .withBean(TestObservationRegistry.class, TestObservationRegistry::create)
                .withBean(Shipping.class).run(context -> {
                    Shipping shipping = context.getBean(Shipping.class);
                    @SuppressWarnings("unchecked")
                    QueueWorker<Order> worker = context.getBean("shipWorker", QueueWorker.class);

                    worker.put(new Order("o-1", 3));

                    await().atMost(Duration.ofSeconds(20)).until(() -> shipping.shipped.size() == 1);
                    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> TestObservationRegistryAssert
                            .assertThat(context.getBean(TestObservationRegistry.class))
                            .hasObservationWithNameEqualTo("supervisor.worker.run").that()
                            .hasLowCardinalityKeyValue("worker", "ship").hasBeenStopped());
                });
    }

    @Test
    void aDurableMethodRunsEachItemPutThroughTheQueueWorkerItIsInjectedAsAndKeepsItAsJsonUntilThen() {
        contextRunner.withBean(Shipping.class).run(context -> {
            @SuppressWarnings("unchecked")
            QueueWorker<Order> worker = context.getBean("shipWorker", QueueWorker.class);
            assertThat(worker).isInstanceOf(DurableQueueWorker.class);
            DurableQueueWorker<Order> durable = (DurableQueueWorker<Order>) worker;
            durable.pause();
            worker.put(new Order("o-1", 3));
            assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForList(
                    "SELECT payload FROM supervisor_queue_item WHERE queue_name = 'ship'", String.class))
                    .containsExactly("{\"id\":\"o-1\",\"lines\":3}");
            assertThat(durable.put(new Order("o-2", 1), "o-2")).isTrue();
            assertThat(durable.put(new Order("o-2", 1), "o-2")).as("the key is stored already").isFalse();
            durable.resume();

            assertThat(durable.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(context.getBean(Shipping.class).shipped).containsExactly(new Order("o-1", 3), new Order("o-2", 1));
            assertThat(context.getBean(JdbcQueueStore.class).depth("ship")).isZero();
        });
    }

    @Test
    void theDurableWorkerIsInjectedByItsOwnTypeToo() {
        contextRunner.withBean(Shipping.class).withBean(NeedsDurable.class).run(context ->
                assertThat(context.getBean(NeedsDurable.class).worker.getName()).isEqualTo("ship"));
    }

    static class NeedsDurable {
        final DurableQueueWorker<Order> worker;

        NeedsDurable(@Qualifier("ship") DurableQueueWorker<Order> worker) {
            this.worker = worker;
        }
    }

    @Test
    void thePropertyMakesAnInMemoryQueueWorkerDurableWithItsLeaseClaimSizeAndTransactionalRun() {
        contextRunner.withBean(InMemoryShipping.class)
                .withPropertyValues("supervisor.workers.ship.durable=true", "supervisor.workers.ship.lease=2m",
                        "supervisor.workers.ship.claim-size=25", "supervisor.workers.ship.transactional=true")
                .run(context -> {
                    DurableQueueWorker<?> worker = context.getBean("shipWorker", DurableQueueWorker.class);
                    assertThat(worker.getLease()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(worker.getClaimSize()).isEqualTo(25);
                    assertThat(worker.isTransactional()).isTrue();
                    assertThat(worker.getStore()).isSameAs(context.getBean(JdbcQueueStore.class));
                });
        contextRunner.withBean(Shipping.class).withPropertyValues("supervisor.workers.ship.durable=false")
                .run(context -> assertThat(context.getBean("shipWorker")).isNotInstanceOf(DurableQueueWorker.class));
    }

    @Test
    void aPutInATransactionThatRollsBackIsNeverRunAndOneThatCommitsIs() {
        contextRunner.withBean(Shipping.class).run(context -> {
            @SuppressWarnings("unchecked")
            DurableQueueWorker<Order> worker = context.getBean("shipWorker", DurableQueueWorker.class);
            TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            transaction.executeWithoutResult(status -> {
                worker.put(new Order("rolled back", 1));
                status.setRollbackOnly();
            });
            transaction.executeWithoutResult(status -> worker.put(new Order("committed", 1)));

            List<Order> shipped = context.getBean(Shipping.class).shipped;
            await().atMost(Duration.ofSeconds(20)).until(() -> shipped.contains(new Order("committed", 1)));
            assertThat(worker.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(shipped).containsExactly(new Order("committed", 1));
        });
    }

    @Test
    void theMetersAndTheStaleQueueCheckReadTheQueueFromTheDatabase() {
        contextRunner.withBean(Shipping.class)
                .withConfiguration(AutoConfigurations.of(SupervisorMetricsAutoConfiguration.class,
                        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class))
                .withPropertyValues("supervisor.overdue.queue-wait=1ms")
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    DurableQueueWorker<Order> worker = context.getBean("shipWorker", DurableQueueWorker.class);
                    worker.pause();
                    worker.put(new Order("a", 1));
                    worker.put(new Order("b", 2));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    await().atMost(Duration.ofSeconds(20)).until(() -> registry.find("supervisor.worker.queue.size")
                            .tag("worker", "ship").gauge() != null);
                    assertThat(registry.get("supervisor.worker.queue.size").tag("worker", "ship").gauge().value())
                            .isEqualTo(2);
                    assertThat(registry.get("supervisor.worker.queue.in.flight").tag("worker", "ship").gauge().value())
                            .isZero();
                    await().atMost(Duration.ofSeconds(20)).until(() -> registry.get("supervisor.worker.queue.oldest.age")
                            .tag("worker", "ship").timeGauge().value(TimeUnit.MILLISECONDS) > 1);
                    await().atMost(Duration.ofSeconds(20)).until(() -> registry.get("supervisor.worker.overdue")
                            .tag("worker", "ship").gauge().value() == 1);
                    worker.resume();
                    assertThat(worker.awaitIdle(Duration.ofSeconds(20))).isTrue();
                    assertThat(registry.get("supervisor.worker.queue.oldest.age").tag("worker", "ship").timeGauge()
                            .value(TimeUnit.MILLISECONDS)).isZero();
                    assertThat(registry.get("supervisor.worker.overdue").tag("worker", "ship").gauge().value()).isZero();
                });
    }

    static class FailingShipping {
        @Worker(durable = true)
        void ship(Order order) {
            throw new IllegalStateException("the carrier is down");
        }
    }

    @Test
    void theEndpointRequeuesAndDeletesADurableWorkersDeadLettersAndRefusesThatForOthers() {
        contextRunner.withBean(FailingShipping.class)
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    DurableQueueWorker<Order> worker = context.getBean("shipWorker", DurableQueueWorker.class);
                    JdbcQueueStore store = context.getBean(JdbcQueueStore.class);
                    worker.put(new Order("a", 1));
                    await().atMost(Duration.ofSeconds(20)).until(() -> store.deadLetterCount("ship") == 1);
                    worker.pause();
                    SupervisorEndpoint endpoint = new SupervisorEndpoint(context.getBean(TaskSupervisor.class));

                    endpoint.workerAction(SecurityContext.NONE, "ship", "requeue-dead-letters", null, null, null, null);
                    assertThat(store.deadLetterCount("ship")).isZero();
                    assertThat(store.depth("ship")).isEqualTo(1);
                    worker.resume();
                    await().atMost(Duration.ofSeconds(20)).until(() -> store.deadLetterCount("ship") == 1);
                    endpoint.workerAction(SecurityContext.NONE, "ship", "delete-dead-letters", null, null, null, null);
                    assertThat(store.deadLetterCount("ship")).isZero();
                    assertThat(store.depth("ship")).isZero();
                });
        contextRunner.withBean(InMemoryShipping.class).run(context -> assertThatThrownBy(() ->
                new SupervisorEndpoint(context.getBean(TaskSupervisor.class)).workerAction(SecurityContext.NONE, "ship",
                        "requeue-dead-letters", null, null, null, null))
                .isInstanceOf(InvalidEndpointRequestException.class)
                .hasMessageContaining("only durable queue workers do"));
    }

    @Test
    void anItemJacksonCannotReadBackFailsAtThePutAndNothingIsStored() {
        contextRunner.withBean(TakesUnreadable.class).run(context -> {
            @SuppressWarnings("unchecked")
            QueueWorker<Unreadable> worker = context.getBean("takeWorker", QueueWorker.class);
            assertThatIllegalArgumentException().isThrownBy(() -> worker.put(new Unreadable("x", 0)))
                    .withMessageContaining("cannot store item")
                    .withMessageContaining("cannot read that back as");
            assertThat(context.getBean(JdbcQueueStore.class).depth("take")).isZero();
        });
    }

    @Test
    void anItemOfAnotherTypeIsRefusedAtThePut() {
        contextRunner.withBean(Shipping.class).run(context -> {
            @SuppressWarnings("unchecked")
            QueueWorker<Object> worker = context.getBean("shipWorker", QueueWorker.class);
            assertThatIllegalArgumentException().isThrownBy(() -> worker.put("not an order"))
                    .withMessageContaining("takes " + Order.class.getName() + " items");
        });
    }

    @Test
    void theSchemaIsCreatedOnAnEmbeddedDatabaseUnlessSetToNever() {
        contextRunner.withPropertyValues("supervisor.jdbc.initialize-schema=never").run(context -> {
            Integer tables = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'SUPERVISOR_QUEUE_ITEM'",
                    Integer.class);
            assertThat(tables).isZero();
        });
        contextRunner.run(context -> {
            Integer tables = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'SUPERVISOR_QUEUE_ITEM'",
                    Integer.class);
            assertThat(tables).isEqualTo(1);
        });
    }

    @Test
    void aDurableWorkerWithoutADatabaseFailsTheStartSayingWhatToAdd() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SupervisorAutoConfiguration.class,
                        SupervisorJdbcAutoConfiguration.class))
                .withBean(Shipping.class)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(SupervisorConfigurationException.class)
                        .hasMessageContaining("@Worker(durable = true) on")
                        .hasMessageContaining("has no store for its items"));
    }

    @Test
    void aDurableWorkerRefusesWhatOnlyAnInMemoryQueueHas() {
        contextRunner.withBean(BatchedDurable.class).run(context -> assertThat(context).getFailure().rootCause()
                .isInstanceOf(SupervisorConfigurationException.class)
                .hasMessageContaining("@Worker(batchSize = 10)")
                .hasMessageContaining("keeps the items of worker 'ship' in the database"));
        contextRunner.withBean(InMemoryShipping.class).withPropertyValues("supervisor.workers.ship.lease=1m")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("supervisor.workers.ship.lease")
                        .hasMessageContaining("durable queue workers"));
    }
}
