package dev.tasksupervisor.docs.springboot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.QueueWorker;

@Component
class Jobs {

    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    @Worker(interval = "${jobs.heartbeat:10s}")        // an interval worker named "heartbeat"
    void heartbeat() {
        log.info("alive");
    }

    @Worker(queue = true, queueCapacity = 1000)         // a queue worker: once per item
    void ship(Order order) {
        log.info("shipping {}", order);
    }
}

@RestController
class OrderController {

    private final QueueWorker<Order> ship;              // the worker of method ship(Order), a bean

    OrderController(QueueWorker<Order> ship) {
        this.ship = ship;
    }

    @PostMapping("/orders")
    void order(@RequestBody Order order) {
        ship.put(order);
    }
}
