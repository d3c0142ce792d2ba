package dev.tasksupervisor.autoconfigure.endpoint;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Answers a {@code POST} to the {@code supervisor} endpoint with 403 and what to set, while the endpoint's
 * access is read-only. Spring Boot maps no write operation then, so Spring MVC would answer 405 with no
 * hint of the property that allows writes.
 *
 * <p>It matches {@code POST} on the paths of the endpoint's read operations where its writes would be (the
 * endpoint and a worker; not a worker's part, such as its dead letters, which has no write), and nothing else: no other method, endpoint or application URL. It matches nothing at all when the endpoint is
 * not exposed on the web or its writes are mapped (access unrestricted): it reads that from the endpoints
 * Spring Boot discovered, after exposure and access were applied, rather than from the properties again.
 * Ordered just before Boot's endpoint handler mapping, which would otherwise refuse the method itself.
 */
final class ReadOnlyWritesHandlerMapping implements HandlerMapping, Ordered {

    /** Before Spring Boot's web endpoint handler mapping, whose order is -100. */
    static final int ORDER = -101;

    private static final EndpointId SUPERVISOR = EndpointId.of("supervisor");
    /** The most selectors a write operation of the endpoint takes: a worker's name. */
    private static final int WRITE_SELECTORS = 1;

    private final List<PathPattern> paths;
    private final HttpRequestHandler refusal;

    private ReadOnlyWritesHandlerMapping(List<PathPattern> paths, String message) {
        this.paths = paths;
        this.refusal = (request, response) -> refuse(response, message);
    }

    /**
     * The mapping for the endpoints Boot exposes on the web under {@code basePath}.
     *
     * @param message what the 403 says
     */
    static ReadOnlyWritesHandlerMapping of(Collection<ExposableWebEndpoint> endpoints, String basePath, String message) {
        ExposableWebEndpoint supervisor = endpoints.stream()
                .filter(endpoint -> SUPERVISOR.equals(endpoint.getEndpointId()))
                .findFirst().orElse(null);
        if (supervisor == null || supervisor.getOperations().stream().anyMatch(ReadOnlyWritesHandlerMapping::isWrite)) {
            return new ReadOnlyWritesHandlerMapping(List.of(), message);
        }
        EndpointMapping mapping = new EndpointMapping(basePath);
        List<PathPattern> readPaths = supervisor.getOperations().stream()
                .map(operation -> operation.getRequestPredicate().getPath())
                .filter(path -> path.chars().filter(c -> c == '{').count() <= WRITE_SELECTORS)
                .map(mapping::createSubPath)
                .distinct()
                .map(PathPatternParser.defaultInstance::parse)
                .toList();
        return new ReadOnlyWritesHandlerMapping(readPaths, message);
    }

    private static boolean isWrite(WebOperation operation) {
        return operation.getType() != OperationType.READ;
    }

    /** Whether it refuses anything: the endpoint is on the web and its writes are not. */
    boolean isActive() {
        return !paths.isEmpty();
    }

    @Override
    public @Nullable HandlerExecutionChain getHandler(HttpServletRequest request) {
        if (paths.isEmpty() || !"POST".equals(request.getMethod())) {
            return null;
        }
        // The path within the application, without a servlet prefix: the one Boot's endpoint mapping matches.
        PathContainer path = (ServletRequestPathUtils.hasParsedRequestPath(request)
                ? ServletRequestPathUtils.getParsedRequestPath(request)
                : ServletRequestPathUtils.parse(request)).pathWithinApplication();
        for (PathPattern pattern : paths) {
            if (pattern.matches(path)) {
                return new HandlerExecutionChain(refusal);
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /** The 403, with a body in the fields of the endpoint's other errors (and Spring Boot's). */
    private static void refuse(HttpServletResponse response, String message) throws IOException {
        ErrorResponses.write(response, HttpServletResponse.SC_FORBIDDEN, "Forbidden", message);
    }
}
