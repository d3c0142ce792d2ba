package dev.tasksupervisor.docs.readme;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.tasksupervisor.worker.QueueFullException;
import dev.tasksupervisor.worker.QueueWorker;
import dev.tasksupervisor.worker.WorkerNotActiveException;

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
        ship.put(order);   // refused when full or stopped: answered below, never a 500
    }

    @ExceptionHandler(QueueFullException.class)         // nothing was queued: try again soon
    @ResponseStatus(HttpStatus.TOO_MANY_REQUESTS)
    void queueFull() {
    }

    @ExceptionHandler(WorkerNotActiveException.class)   // stopped by an operator, or the app is stopping
    @ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
    void notTakingOrders() {
    }
}
