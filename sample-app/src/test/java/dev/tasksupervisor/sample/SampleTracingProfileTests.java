package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The sample's tracing profile: OpenTelemetry's logging exporter logs the span of {@code POST /orders} and the
 * span of that order's run with one trace id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.opentelemetry.tracing.export.schedule-delay=50ms", "spring.main.banner-mode=off"})
@ActiveProfiles("tracing")
@AutoConfigureTracing
@ExtendWith(OutputCaptureExtension.class)
class SampleTracingProfileTests {

    /** A line of the logging exporter: {@code 'name' : <trace id> <span id> <kind> ...}. */
    private static final String SPAN_LINE = "'%s' : ([0-9a-f]{32}) ([0-9a-f]{16}) %s";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Test
    void theRequestsSpanAndItsOrdersRunAreLoggedInOneTrace(CapturedOutput output) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"TR-1\",\"item\":\"pen\",\"quantity\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> traceOf(output, "http post /orders", "SERVER").isPresent()
                && traceOf(output, "worker ship", "INTERNAL").isPresent());
        assertThat(traceOf(output, "worker ship", "INTERNAL")).isEqualTo(traceOf(output, "http post /orders", "SERVER"));
    }

    private static Optional<String> traceOf(CapturedOutput output, String span, String kind) {
        Matcher line = Pattern.compile(String.format(SPAN_LINE, Pattern.quote(span), kind)).matcher(output.getAll());
        return line.find() ? Optional.of(line.group(1)) : Optional.empty();
    }
}
