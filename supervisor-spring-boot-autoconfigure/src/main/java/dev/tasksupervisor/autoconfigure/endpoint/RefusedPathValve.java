package dev.tasksupervisor.autoconfigure.endpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Answers with the endpoint's JSON error, instead of Tomcat's HTML page, a request to a path under the
 * {@code supervisor} endpoint that Tomcat refused with 400 before any servlet ran: an encoded {@code /} or
 * {@code \} in a worker's name ({@code supervisor/a%2Fb}), which Tomcat's connector rejects by default
 * ({@code encodedSolidusHandling=reject}, {@code allowBackslash=false}).
 *
 * <p>Why a valve, and why this one: the refusal happens in Tomcat's connector, before the request is mapped
 * to the application, so no filter, servlet or error page of the application sees it; the host's
 * {@code ErrorReportValve} writes the HTML. Letting the connector pass such paths on
 * ({@code encodedSolidusHandling=decode} or {@code passthrough}) would change, for the whole application,
 * what paths reach its access rules: {@code a%2F..%2Fb} read as {@code a/../b} is the classic way round a rule
 * written per path. So nothing about what is refused changes: the status stays Tomcat's 400, and only the
 * body of the answer does, only for paths whose segments (decoded, path parameters dropped, as Tomcat reads
 * them) begin with the endpoint's. Everything else goes on to the host's pipeline untouched.
 *
 * <p>It sits in the host's pipeline and acts before the rest of it: it claims the report
 * ({@link Response#setErrorReported()}), so the {@code ErrorReportValve} further on writes nothing, wherever
 * Spring Boot or the application placed that one.
 */
final class RefusedPathValve extends ValveBase {

    private final Supplier<String> endpointPath;
    /**
     * The segments of {@code endpointPath}, worked out by the first refused request; racing requests may both
     * work them out, to the same value.
     */
    private volatile List<String> endpointSegments;

    /**
     * @param endpointPath the endpoint's path on the server (context path, base path, endpoint), e.g.
     *     {@code /actuator/supervisor}; asked for at the first refused request, so that no endpoint is
     *     discovered while the server is being made
     */
    RefusedPathValve(Supplier<String> endpointPath) {
        super(true);
        this.endpointPath = endpointPath;
    }

    private List<String> endpointSegments() {
        List<String> known = endpointSegments;
        if (known == null) {
            known = segments(endpointPath.get());
            endpointSegments = known;
        }
        return known;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        // An error before any context was mapped: the connector refused the path (or found no application).
        if (response.isError() && response.getStatus() == HttpServletResponse.SC_BAD_REQUEST
                && request.getContext() == null && isEndpointPath(request.getRequestURI())
                && response.setErrorReported()) {
            response.setSuspended(false); // sendError suspended it: nothing written would be sent
            List<String> endpoint = endpointSegments();
            String path = "/" + String.join("/", endpoint);
            ErrorResponses.write(response, HttpServletResponse.SC_BAD_REQUEST, "Bad Request", "the server refused "
                    + "the path '" + ErrorResponses.echo(request.getRequestURI()) + "' before the supervisor endpoint "
                    + "saw it: a worker's name in the path cannot hold an encoded '/' or '\\' (%2F, %5C); the "
                    + "endpoint's paths are " + path + "/{worker} and " + path + "/{worker}/dead-letters");
            return;
        }
        getNext().invoke(request, response);
    }

    /** Whether the undecoded {@code uri} begins with the endpoint's segments. */
    private boolean isEndpointPath(String uri) {
        if (uri == null) {
            return false;
        }
        List<String> endpoint = endpointSegments();
        List<String> asked = segments(uri);
        return asked.size() > endpoint.size() && asked.subList(0, endpoint.size()).equals(endpoint);
    }

    /** A path's segments, each percent-decoded as UTF-8 without its path parameters ({@code ;jsessionid=...}). */
    static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            int parameters = segment.indexOf(';');
            String bare = parameters < 0 ? segment : segment.substring(0, parameters);
            if (!bare.isEmpty()) {
                segments.add(decode(bare));
            }
        }
        return segments;
    }

    /** Percent-decodes {@code segment}; an escape that is no escape ({@code %zz}) stays as it is. */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            int high = c == '%' && i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(segment.charAt(i + 2), 16) : -1;
            if (low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
