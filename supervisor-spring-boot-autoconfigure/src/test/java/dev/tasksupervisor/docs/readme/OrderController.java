package dev.tasksupervisor.docs.readme;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.tasksupervisor.worker.QueueWorker;

/** The README's controller ("Reaching a worker"). */
@RestController
class OrderController {

    private final QueueWorker<Order> ship;              // the worker of method ship(Order), a bean

    OrderController(@Qualifier("ship") QueueWorker<Order> ship) {
        this.ship = ship;
    }

    @PostMapping("/orders")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void order(@RequestBody Order order) {
        ship.put(order);   // or put(order, Duration.ofSeconds(1)) to wait for space
    }
}
