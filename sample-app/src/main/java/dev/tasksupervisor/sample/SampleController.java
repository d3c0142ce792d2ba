package dev.tasksupervisor.sample;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.QueueFullException;
import dev.tasksupervisor.worker.WorkerInfo;
import dev.tasksupervisor.worker.WorkerNotActiveException;

/**
 * The REST side: feeds the queue worker, triggers the event worker, and shows the workers. What a worker
 * refuses is the client's answer, never a 500: a full queue is 429 (back-pressure: try again in a moment),
 * a worker that is not active 503 (an operator stopped it, or the application is stopping); a paused queue
 * worker still takes orders. An order that is not valid is a 400 that says what is wrong. Every error has the
 * fields of Spring Boot's own: {@code {"status":..,"error":..,"message":..}}.
 */
@RestController
public class SampleController {

    /** The most of one item an order may ask for. */
    static final int MAX_QUANTITY = 1000;
    private static final int MAX_ID_CHARS = 64;
    private static final int MAX_ITEM_CHARS = 200;
    private static final String NOT_AN_ORDER = "the body must be an order as JSON, e.g. "
            + "{\"id\":\"A-1\",\"item\":\"pen\",\"quantity\":2}";

    private final TaskSupervisor supervisor;
    private final Shipping shipping;

    SampleController(TaskSupervisor supervisor, Shipping shipping) {
        this.supervisor = supervisor;
        this.shipping = shipping;
    }

    /** Queues an order for the {@code ship} worker and answers at once: 202, or why it was not queued. */
    @PostMapping("/orders")
    ResponseEntity<Object> order(@RequestBody Order order) {
        String problem = problem(order);
        if (problem != null) {
            return error(HttpStatus.BAD_REQUEST, problem, null);
        }
        Order withId = order.id() != null ? order : new Order(UUID.randomUUID().toString(), order.item(), order.quantity());
        try {
            supervisor.getQueueWorker("ship", Order.class).put(withId);
        } catch (QueueFullException e) {
            return error(HttpStatus.TOO_MANY_REQUESTS, "too many orders are waiting to ship (" + e.getCapacity()
                    + "): try again in a moment", "1");
        } catch (WorkerNotActiveException e) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, "orders are not being taken now: shipping is " + e.getState()
                    + "; try again later", "30");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("queued", withId.id()));
    }

    /** What is wrong with {@code order}, or {@code null} when nothing is. */
    private static String problem(Order order) {
        if (order == null) {
            return NOT_AN_ORDER;
        }
        if (order.item() == null || order.item().isBlank()) {
            return "item is required: the thing to ship, e.g. \"pen\"";
        }
        if (order.item().length() > MAX_ITEM_CHARS) {
            return "item must be at most " + MAX_ITEM_CHARS + " characters";
        }
        if (order.quantity() == null) {
            return "quantity is required: how many to ship, from 1 to " + MAX_QUANTITY;
        }
        if (order.quantity() < 1 || order.quantity() > MAX_QUANTITY) {
            return "quantity must be between 1 and " + MAX_QUANTITY + ", was " + order.quantity();
        }
        if (order.id() != null && (order.id().isBlank() || order.id().length() > MAX_ID_CHARS)) {
            return "id must be at most " + MAX_ID_CHARS + " characters, or left out to get one";
        }
        return null;
    }

    /** A body that is no order (not JSON, not an object, a quantity that is no number): Spring MVC could not read it. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> notAnOrder() {
        return error(HttpStatus.BAD_REQUEST, NOT_AN_ORDER, null);
    }

    /** The orders shipped so far. */
    @GetMapping("/orders/shipped")
    List<String> shipped() {
        return shipping.shipped();
    }

    /** Triggers the {@code refreshCache} event worker: 202, or 503 while it is not active. */
    @PostMapping("/cache/refresh")
    ResponseEntity<Object> refreshCache() {
        try {
            supervisor.trigger("refreshCache");
        } catch (WorkerNotActiveException e) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, "the cache cannot be refreshed now: refreshCache is "
                    + e.getState() + "; try again later", "30");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("triggered", "refreshCache"));
    }

    /** Every worker: kind, state, schedule, runs, failures, queue size. */
    @GetMapping("/workers")
    List<WorkerInfo> workers() {
        return supervisor.info().workers();
    }

    /** An error in the fields of Spring Boot's own, with a {@code Retry-After} (seconds) when one is given. */
    private static ResponseEntity<Object> error(HttpStatus status, String message, String retryAfter) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status);
        if (retryAfter != null) {
            answer.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return answer.body(new ErrorBody(status.value(), status.getReasonPhrase(), message));
    }

    /**
     * Why a request was refused.
     *
     * @param status the HTTP status
     * @param error its reason phrase
     * @param message what was wrong and what to do
     */
    record ErrorBody(int status, String error, String message) {
    }
}
