package dev.tasksupervisor.autoconfigure.endpoint;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Refuses, with 400 and the endpoint's JSON error, a request to the {@code supervisor} endpoint that carries
 * more than its operation documents. Spring Boot merges the path's selectors, the JSON body and the query
 * parameters into one set of arguments, the later overriding the earlier, so {@code POST supervisor/ship}
 * with {@code {"action":"stop","name":"heartbeat"}} (or {@code ?name=heartbeat}) acted on {@code heartbeat}:
 * an access rule written per path could be bypassed. So here:
 * <ul>
 *   <li>no operation takes query parameters: any is refused, on reads and writes alike;</li>
 *   <li>a write's body is a JSON object with only its documented fields ({@code minSize} and {@code maxSize}
 *       for the pool, {@code action} for a worker, with {@code interval}, {@code delay}, {@code cron} and
 *       {@code zone} for a reschedule), at most {@value #MAX_BODY_BYTES} bytes;</li>
 *   <li>what a message repeats of the caller's input is cut short ({@link ErrorResponses#echo}).</li>
 * </ul>
 * A body that is no JSON object is left to Spring MVC, which answers 400 itself. Writes to a read-only
 * endpoint are not looked at here: {@link ReadOnlyWritesHandlerMapping} answers them with 403.
 */
final class EndpointRequestGuard extends OncePerRequestFilter {

    /** The largest body a write takes: its fields are a few numbers or a word. */
    static final int MAX_BODY_BYTES = 8 * 1024;

    private static final EndpointId SUPERVISOR = EndpointId.of("supervisor");
    private static final Set<String> POOL_FIELDS = Set.of("minSize", "maxSize");
    private static final Set<String> WORKER_FIELDS = Set.of("action", "interval", "delay", "cron", "zone");

    /** A path of the endpoint, and the body fields a write there takes (none where no write is mapped). */
    private record Guarded(PathPattern pattern, Set<String> fields, boolean writable, boolean worker) {
    }

    private final List<Guarded> paths;

    private EndpointRequestGuard(List<Guarded> paths) {
        this.paths = paths;
    }

    /** The guard for the endpoints Boot exposes on the web under {@code basePath}. */
    static EndpointRequestGuard of(Collection<ExposableWebEndpoint> endpoints, String basePath) {
        ExposableWebEndpoint supervisor = endpoints.stream()
                .filter(endpoint -> SUPERVISOR.equals(endpoint.getEndpointId()))
                .findFirst().orElse(null);
        List<Guarded> paths = new ArrayList<>();
        if (supervisor != null) {
            EndpointMapping mapping = new EndpointMapping(basePath);
            Set<String> seen = new TreeSet<>();
            for (WebOperation operation : supervisor.getOperations()) {
                String path = operation.getRequestPredicate().getPath();
                if (seen.add(path)) {
                    long selectors = path.chars().filter(c -> c == '{').count();
                    boolean writable = supervisor.getOperations().stream().anyMatch(other -> other.getType()
                            != OperationType.READ && other.getRequestPredicate().getPath().equals(path));
                    paths.add(new Guarded(PathPatternParser.defaultInstance.parse(mapping.createSubPath(path)),
                            selectors == 0 ? POOL_FIELDS : selectors == 1 ? WORKER_FIELDS : Set.of(), writable,
                            selectors == 1));
                }
            }
        }
        return new EndpointRequestGuard(List.copyOf(paths));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return paths.isEmpty(); // the endpoint is not on the web: nothing to guard
    }

    private Guarded guarded(HttpServletRequest request) {
        PathContainer path = (ServletRequestPathUtils.hasParsedRequestPath(request)
                ? ServletRequestPathUtils.getParsedRequestPath(request)
                : ServletRequestPathUtils.parse(request)).pathWithinApplication();
        for (Guarded guarded : paths) {
            if (guarded.pattern().matches(path)) {
                return guarded;
            }
        }
        return null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Guarded guarded = guarded(request);
        if (guarded == null) {
            chain.doFilter(request, response); // not the supervisor endpoint
            return;
        }
        String query = request.getQueryString();
        if (query != null && !query.isEmpty()) {
            refuse(response, "the supervisor endpoint takes no query parameters (got '" + ErrorResponses.echo(query)
                    + "'): the worker is the one in the path" + (guarded.writable() ? ", and a write's fields ("
                    + String.join(", ", new TreeSet<>(guarded.fields())) + ") go in its JSON body" : ""));
            return;
        }
        if (!"POST".equals(request.getMethod()) || !guarded.writable()) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            refuse(response, "the body of a write to the supervisor endpoint is at most " + MAX_BODY_BYTES
                    + " bytes; this one is longer");
            return;
        }
        String unknown = unknownField(body, guarded.fields());
        if (unknown != null) {
            refuse(response, "the body has a field '" + ErrorResponses.echo(unknown) + "' that this write does not "
                    + "take: it takes only " + String.join(", ", new TreeSet<>(guarded.fields()))
                    + (guarded.worker() ? "; the worker acted on is the one in the path" : ""));
            return;
        }
        chain.doFilter(new ReadBody(request, body), response);
    }

    /** The first field of a JSON object body that is not one of {@code fields}; null if none, or no JSON object. */
    private static String unknownField(byte[] body, Set<String> fields) {
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (!text.startsWith("{")) {
            return null; // empty, or no object: Spring MVC's own 400 (or the operation's) says so
        }
        Map<String, Object> parsed;
        try {
            parsed = JsonParserFactory.getJsonParser().parseMap(text);
        } catch (IllegalArgumentException e) { // a JsonParseException, or a body Spring MVC will refuse itself
            return null;
        }
        return parsed.keySet().stream().filter(key -> !fields.contains(key)).sorted().findFirst().orElse(null);
    }

    private static void refuse(HttpServletResponse response, String message) throws IOException {
        ErrorResponses.write(response, HttpServletResponse.SC_BAD_REQUEST, "Bad Request", message);
    }

    /** The request with its body read already, for the handler to read again. */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was read already: no asynchronous reading");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
