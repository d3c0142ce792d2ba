package dev.tasksupervisor.docs.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.stereotype.Component;

import dev.tasksupervisor.annotation.Worker;

/** The application's queue worker that docs/testing.md tests. */
@Component
class Shipping {

    private final List<Order> shipped = new CopyOnWriteArrayList<>();

    @Worker(queue = true)
    void ship(Order order) {
        shipped.add(order);
    }

    @Worker(interval = "1s")
    void heartbeat() {
        // an interval worker the property keeps from ticking during the test
    }

    List<Order> shipped() {
        return List.copyOf(shipped);
    }
}
