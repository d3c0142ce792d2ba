package dev.tasksupervisor.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.tasksupervisor.aloop.Aloop;
import dev.tasksupervisor.annotation.Worker;

/**
 * A web application with actuator, Micrometer and a worker of most kinds, for the tests that query the
 * endpoint, health and metrics over HTTP. Its properties come from each test.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ObservedApplication {

    @Bean
    Jobs jobs(Aloop ioAloop) {
        return new Jobs(ioAloop);
    }

    /** The workers: {@code refresh} (event), {@code ship} (queue), {@code tick} (interval), {@code poll} (async). */
    public static class Jobs {

        private final Aloop io;
        private final AtomicInteger refreshes = new AtomicInteger();
        private final AtomicInteger ticks = new AtomicInteger();
        private final List<String> shipped = new CopyOnWriteArrayList<>();

        Jobs(Aloop io) {
            this.io = io;
        }

        @Worker(event = true)
        void refresh() {
            refreshes.incrementAndGet();
        }

        /** Refuses orders named {@code poison...}, which become dead letters. */
        @Worker(queue = true)
        void ship(String order) {
            if (order.startsWith("poison")) {
                throw new IllegalArgumentException("cannot ship " + order);
            }
            shipped.add(order);
        }

        @Worker(interval = "100ms")
        void tick() {
            ticks.incrementAndGet();
        }

        @Worker
        CompletionStage<Void> poll() {
            return io.sleep(Duration.ofMillis(100));
        }

        public int refreshes() {
            return refreshes.get();
        }

        public int ticks() {
            return ticks.get();
        }

        public List<String> shipped() {
            return shipped;
        }
    }
}
