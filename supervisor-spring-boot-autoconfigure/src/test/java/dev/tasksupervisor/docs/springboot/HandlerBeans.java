package dev.tasksupervisor.docs.springboot;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tasksupervisor.worker.UndeliveredHandler;

/** docs/spring-boot.md, "Handler beans". */
@Configuration(proxyBeanMethods = false)
class HandlerBeans {

    /** Where the application keeps its orders. */
    interface OrderRepository {
        void markPending(List<Order> orders);
    }

    @Bean
    UndeliveredHandler<Order> keepForNextStart(OrderRepository orders) {
        return (worker, items) -> orders.markPending(items);   // run again by the next start
    }
}
