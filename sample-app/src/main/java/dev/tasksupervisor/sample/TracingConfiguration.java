package dev.tasksupervisor.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

import io.opentelemetry.exporter.logging.LoggingSpanExporter;

/**
 * The {@code tracing} profile: every span to the log through OpenTelemetry's logging exporter, so that the span
 * of {@code POST /orders} and the span of that order's run ({@code worker ship}) show one trace id. Its
 * {@code application-tracing.yml} samples every trace.
 */
@Configuration(proxyBeanMethods = false)
@Profile("tracing")
class TracingConfiguration {

    /** Spring Boot hands every SpanExporter bean the spans it exports. */
    @Bean
    LoggingSpanExporter loggingSpanExporter() {
        return LoggingSpanExporter.create();
    }
}
