package dev.tasksupervisor.autoconfigure.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.annotation.Worker;

/**
 * End to end, as an application with tracing sees it: Spring Boot's OpenTelemetry tracing, a real HTTP request
 * that puts an order into a queue worker or triggers an event worker, and the spans exported. The run's span is
 * in the request's trace, a descendant of the request's server span.
 */
@SpringBootTest(classes = SupervisorTracingHttpTests.TracedApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"supervisor.id=traced", "management.tracing.sampling.probability=1.0",
                "management.opentelemetry.tracing.export.schedule-delay=50ms", "spring.main.banner-mode=off"})
@AutoConfigureTracing
@AutoConfigureRestTestClient
class SupervisorTracingHttpTests {

    @Autowired
    private RestTestClient client;

    @Autowired
    private InMemorySpanExporter spans;

    @BeforeEach
    void forgetEarlierSpans() {
        spans.reset();
    }

    @Test
    void theRunOfAnOrderPutByARequestIsInThatRequestsTrace() {
        client.post().uri("/orders").body("A-1").exchange().expectStatus().isAccepted();

        SpanData run = awaitSpan("worker ship");
        SpanData request = awaitServerSpan("/orders");
        assertThat(run.getTraceId()).isEqualTo(request.getTraceId());
        assertThat(ancestors(run)).contains(request.getSpanId());
        assertThat(run.getAttributes().asMap()).extractingFromEntries(e -> e.getKey().getKey() + "=" + e.getValue())
                .contains("worker=ship", "kind=queue", "outcome=success");
    }

    @Test
    void theRunATriggerAskedForIsInTheTriggeringRequestsTrace() {
        client.post().uri("/cache/refresh").exchange().expectStatus().isAccepted();

        SpanData run = awaitSpan("worker refresh");
        SpanData request = awaitServerSpan("/cache/refresh");
        assertThat(run.getTraceId()).isEqualTo(request.getTraceId());
        assertThat(ancestors(run)).contains(request.getSpanId());
    }

    @Test
    void twoRequestsMakeTwoTracesEachWithItsOwnRun() {
        client.post().uri("/orders").body("B-1").exchange().expectStatus().isAccepted();
        client.post().uri("/orders").body("B-2").exchange().expectStatus().isAccepted();

        await().atMost(Duration.ofSeconds(20)).until(() -> named("worker ship").size() == 2
                && servers("/orders").size() == 2);
        List<String> runTraces = named("worker ship").stream().map(SpanData::getTraceId).toList();
        List<String> requestTraces = servers("/orders").stream().map(SpanData::getTraceId).toList();
        assertThat(runTraces).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(requestTraces);
    }

    private SpanData awaitSpan(String name) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !named(name).isEmpty());
        return named(name).get(0);
    }

    private SpanData awaitServerSpan(String path) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !servers(path).isEmpty());
        return servers(path).get(0);
    }

    private List<SpanData> named(String name) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).toList();
    }

    private List<SpanData> servers(String path) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.SERVER)
                .filter(span -> span.getName().endsWith(" " + path)).toList();
    }

    /** The ids of the span's parent, its parent's parent, and so on, as far as the exported spans go. */
    private List<String> ancestors(SpanData span) {
        Map<String, SpanData> byId = spans.getFinishedSpanItems().stream()
                .collect(Collectors.toMap(SpanData::getSpanId, Function.identity(), (a, b) -> a));
        List<String> ancestors = new java.util.ArrayList<>();
        Optional<SpanData> current = Optional.of(span);
        while (current.isPresent() && current.get().getParentSpanContext().isValid()) {
            String parent = current.get().getParentSpanId();
            ancestors.add(parent);
            current = Optional.ofNullable(byId.get(parent));
        }
        return ancestors;
    }

    /** A web application with tracing: orders go to a queue worker, a cache refresh is an event worker's run. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TracedApplication {

        @Bean
        InMemorySpanExporter spanExporter() {
            return InMemorySpanExporter.create();
        }

        @Bean
        Jobs jobs() {
            return new Jobs();
        }

        @Bean
        Orders orders(TaskSupervisor taskSupervisor) {
            return new Orders(taskSupervisor);
        }
    }

    /** The workers. */
    static class Jobs {

        @Worker(queue = true)
        void ship(String order) {
        }

        @Worker(event = true)
        void refresh() {
        }
    }

    /** Hands work to the workers and answers at once, as a controller that queues work does. */
    @RestController
    static class Orders {

        private final TaskSupervisor supervisor;

        Orders(TaskSupervisor supervisor) {
            this.supervisor = supervisor;
        }

        @PostMapping("/orders")
        ResponseEntity<Void> order(@RequestBody String id) {
            supervisor.getQueueWorker("ship", String.class).put(id);
            return ResponseEntity.accepted().build();
        }

        @PostMapping("/cache/refresh")
        ResponseEntity<Void> refresh() {
            supervisor.trigger("refresh");
            return ResponseEntity.accepted().build();
        }
    }
}
