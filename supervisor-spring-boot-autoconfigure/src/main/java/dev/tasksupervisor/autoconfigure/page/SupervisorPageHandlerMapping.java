package dev.tasksupervisor.autoconfigure.page;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Serves the live page's three static files at {@value #PATH} under the actuator's base path
 * ({@code /actuator/supervisor-page/}, its {@code page.js} and {@code page.css}), and redirects the path without
 * its slash there, so that the page's relative links resolve. Everything the page shows it fetches from the
 * {@code supervisor} endpoint, in the browser, with the browser's credentials; the files hold no data.
 *
 * <p>The page learns two things from its {@code <html>} element, filled in once here: where the endpoint is,
 * relative to the page ({@code ../supervisor}, or its path mapping), so that it works under any context path,
 * servlet path or proxy prefix; and whether the endpoint's writes are mapped (its access unrestricted), so that
 * it shows its action buttons only then. A write the endpoint refuses anyway is refused by the endpoint: the
 * page only posts to it.
 *
 * <p>It matches {@code GET} and {@code HEAD} of those paths and nothing else; nothing at all when the endpoint
 * is not on the web, which it then logs once at WARN, naming what to set.
 */
final class SupervisorPageHandlerMapping implements HandlerMapping, Ordered {

    /** The page's path below the actuator's base path. */
    static final String PATH = "supervisor-page";

    /** After Spring Boot's web endpoint handler mapping (-100), before the application's controllers (0). */
    static final int ORDER = -99;

    /** Scripts, styles and data from the page's own origin only; no inline script, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Logger log = LoggerFactory.getLogger(SupervisorPageHandlerMapping.class);

    /** One path the page answers, and how. */
    private record Route(PathPattern pattern, HttpRequestHandler handler) {
    }

    private final List<Route> routes;

    private SupervisorPageHandlerMapping(List<Route> routes) {
        this.routes = routes;
    }

    /**
     * The page under {@code basePath}.
     *
     * @param endpointPath the {@code supervisor} endpoint's root path below the base path ({@code supervisor}, or
     *     its path mapping); {@code null} when the endpoint is not on the web, which leaves the page unserved
     * @param writable whether the endpoint's write operations are mapped, so the page shows its actions
     */
    static SupervisorPageHandlerMapping of(String basePath, @Nullable String endpointPath, boolean writable) {
        if (endpointPath == null) {
            log.warn("supervisor.page.enabled is true, but there is no live page: the supervisor endpoint is not on "
                    + "the web. Expose it (management.endpoints.web.exposure.include=supervisor) and leave its access "
                    + "above none; supervisor.enabled=false switches it off too.");
            return new SupervisorPageHandlerMapping(List.of());
        }
        String page = new EndpointMapping(basePath).createSubPath(PATH);
        String index = read("index.html")
                .replace("@endpoint@", attribute("../" + endpointPath))
                .replace("@writable@", String.valueOf(writable));
        HttpRequestHandler indexHandler = file(index, "text/html;charset=UTF-8");
        return new SupervisorPageHandlerMapping(List.of(
                new Route(parse(page), SupervisorPageHandlerMapping::redirectToTheFolder),
                new Route(parse(page + "/"), indexHandler),
                new Route(parse(page + "/index.html"), indexHandler),
                new Route(parse(page + "/page.js"), file(read("page.js"), "text/javascript;charset=UTF-8")),
                new Route(parse(page + "/page.css"), file(read("page.css"), "text/css;charset=UTF-8"))));
    }

    /** Whether it serves the page: the endpoint is on the web. */
    boolean isActive() {
        return !routes.isEmpty();
    }

    @Override
    public @Nullable HandlerExecutionChain getHandler(HttpServletRequest request) {
        if (routes.isEmpty() || !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))) {
            return null;
        }
        // The path within the application, without a servlet prefix: the one Boot's endpoint mapping matches.
        PathContainer path = (ServletRequestPathUtils.hasParsedRequestPath(request)
                ? ServletRequestPathUtils.getParsedRequestPath(request)
                : ServletRequestPathUtils.parse(request)).pathWithinApplication();
        for (Route route : routes) {
            if (route.pattern().matches(path)) {
                return new HandlerExecutionChain(route.handler());
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private static PathPattern parse(String path) {
        return PathPatternParser.defaultInstance.parse(path);
    }

    /**
     * To the page's folder, relative to the URL asked for ({@code supervisor-page} to {@code supervisor-page/}):
     * right behind a proxy that adds a prefix, which an absolute location made here would drop.
     */
    private static void redirectToTheFolder(HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", PATH + "/");
    }

    private static HttpRequestHandler file(String content, String contentType) {
        byte[] body = content.getBytes(StandardCharsets.UTF_8);
        return (request, response) -> {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(contentType);
            response.setContentLength(body.length);
            // Revalidated on every load: a new version of the starter shows at once.
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("Referrer-Policy", "no-referrer");
            response.getOutputStream().write(body);
        };
    }

    /** One of the page's files, from this package on the class path. */
    private static String read(String name) {
        try (InputStream in = SupervisorPageHandlerMapping.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The live page's " + name + " is missing from the class path (it "
                        + "belongs beside " + SupervisorPageHandlerMapping.class.getName() + "): the "
                        + "supervisor-spring-boot-autoconfigure jar is incomplete; rebuild or download it again, or "
                        + "set supervisor.page.enabled=false");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("The live page's " + name + " could not be read from the class path: "
                    + e.getMessage(), e);
        }
    }

    /** {@code value} as an HTML attribute's text. */
    static String attribute(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
