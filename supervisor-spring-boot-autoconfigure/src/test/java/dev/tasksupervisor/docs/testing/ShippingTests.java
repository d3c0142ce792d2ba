package dev.tasksupervisor.docs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import dev.tasksupervisor.worker.QueueWorker;

/** docs/testing.md, "Testing your own workers": the test as the page shows it. */
@DirtiesContext
@SpringBootTest(properties = "supervisor.auto-start=false")
class ShippingTests {

    @Autowired
    QueueWorker<Order> ship;   // the worker of method ship(Order)

    @Autowired
    Shipping shipping;

    @Test
    void shipsAnOrder() throws InterruptedException {
        Order order = new Order("A-1", "pen", 2);
        ship.start();   // this test's worker; the others stay registered, not started

        ship.put(order);

        assertThat(ship.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(shipping.shipped()).contains(order);   // handled, not only taken from the queue
    }
}
