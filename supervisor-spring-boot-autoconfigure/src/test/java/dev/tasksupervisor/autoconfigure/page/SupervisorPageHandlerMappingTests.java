package dev.tasksupervisor.autoconfigure.page;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerExecutionChain;

import ch.qos.logback.classic.Level;

import dev.tasksupervisor.testsupport.LogCapture;

/** The live page's files, where they are served and what the page is told; over real HTTP in {@link SupervisorPageHttpTests}. */
class SupervisorPageHandlerMappingTests {

    private final SupervisorPageHandlerMapping readOnly = SupervisorPageHandlerMapping.of("/actuator", "supervisor", false);

    @Test
    void theIndexTellsThePageWhereTheEndpointIsRelativeToItAndThatItIsReadOnly() throws Exception {
        MockHttpServletResponse index = get(readOnly, "/actuator/supervisor-page/");
        assertThat(index.getStatus()).isEqualTo(200);
        assertThat(index.getContentType()).isEqualTo("text/html;charset=UTF-8");
        assertThat(index.getContentAsString()).contains("<html lang=\"en\" data-endpoint=\"../supervisor\" "
                + "data-writable=\"false\">").contains("<script src=\"page.js\" defer></script>")
                .doesNotContain("@endpoint@", "@writable@");
        assertThat(get(readOnly, "/actuator/supervisor-page/index.html").getContentAsString())
                .isEqualTo(index.getContentAsString());
    }

    @Test
    void theIndexSaysWritableWhenTheEndpointsWritesAreMappedAndFollowsItsPathMapping() throws Exception {
        SupervisorPageHandlerMapping writable = SupervisorPageHandlerMapping.of("/manage", "ops/tasks", true);
        assertThat(get(writable, "/manage/supervisor-page/").getContentAsString())
                .contains("data-endpoint=\"../ops/tasks\" data-writable=\"true\"");
        assertThat(writable.getHandler(request("GET", "/actuator/supervisor-page/"))).isNull();
    }

    @Test
    void theEndpointsPathIsEscapedInItsAttribute() throws Exception {
        SupervisorPageHandlerMapping odd = SupervisorPageHandlerMapping.of("/actuator", "a\"b<c>&'", false);
        assertThat(get(odd, "/actuator/supervisor-page/").getContentAsString())
                .contains("data-endpoint=\"../a&quot;b&lt;c&gt;&amp;&#39;\"");
    }

    @Test
    void thePathWithoutItsSlashRedirectsToTheFolderRelativelySoThatAProxysPrefixIsKept() throws Exception {
        MockHttpServletResponse redirect = get(readOnly, "/actuator/supervisor-page");
        assertThat(redirect.getStatus()).isEqualTo(302);
        assertThat(redirect.getHeader("Location")).isEqualTo("supervisor-page/");
    }

    @Test
    void theScriptAndTheStyleSheetHaveTheirTypesAndNoFileIsCachedWithoutAsking() throws Exception {
        MockHttpServletResponse script = get(readOnly, "/actuator/supervisor-page/page.js");
        assertThat(script.getContentType()).isEqualTo("text/javascript;charset=UTF-8");
        assertThat(script.getContentAsString()).contains("fetch(endpoint");
        MockHttpServletResponse style = get(readOnly, "/actuator/supervisor-page/page.css");
        assertThat(style.getContentType()).isEqualTo("text/css;charset=UTF-8");
        for (MockHttpServletResponse file : new MockHttpServletResponse[] {script, style,
                get(readOnly, "/actuator/supervisor-page/")}) {
            assertThat(file.getHeader("Cache-Control")).isEqualTo("no-cache");
            assertThat(file.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(file.getHeader("Content-Security-Policy")).contains("script-src 'self'")
                    .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        }
    }

    @Test
    void theIndexHasNoInlineScriptOrStyleSoThatItsPolicyCanForbidThem() throws Exception {
        String index = get(readOnly, "/actuator/supervisor-page/").getContentAsString();
        assertThat(index).doesNotContain("<script>").doesNotContain("<style").doesNotContain(" style=")
                .doesNotContain(" onclick=");
    }

    @Test
    void itAnswersOnlyGetAndHeadOfItsOwnPaths() throws Exception {
        assertThat(readOnly.getHandler(request("HEAD", "/actuator/supervisor-page/"))).isNotNull();
        assertThat(readOnly.getHandler(request("POST", "/actuator/supervisor-page/"))).isNull();
        assertThat(readOnly.getHandler(request("GET", "/actuator/supervisor-page/other.js"))).isNull();
        assertThat(readOnly.getHandler(request("GET", "/actuator/supervisor"))).isNull();
        assertThat(readOnly.getHandler(request("GET", "/supervisor-page/"))).isNull();
    }

    @Test
    void underTheRootBasePathThePageIsAtTheRoot() throws Exception {
        SupervisorPageHandlerMapping atRoot = SupervisorPageHandlerMapping.of("", "supervisor", false);
        assertThat(get(atRoot, "/supervisor-page/").getStatus()).isEqualTo(200);
        SupervisorPageHandlerMapping slash = SupervisorPageHandlerMapping.of("/", "supervisor", false);
        assertThat(get(slash, "/supervisor-page/").getStatus()).isEqualTo(200);
    }

    @Test
    void withoutTheEndpointOnTheWebNothingIsServedAndTheLogSaysWhatToSet() throws Exception {
        try (LogCapture logs = LogCapture.of(SupervisorPageHandlerMapping.class)) {
            SupervisorPageHandlerMapping none = SupervisorPageHandlerMapping.of("/actuator", null, false);
            assertThat(none.isActive()).isFalse();
            assertThat(none.getHandler(request("GET", "/actuator/supervisor-page/"))).isNull();
            assertThat(logs.messages(Level.WARN)).singleElement().asString()
                    .contains("supervisor.page.enabled is true")
                    .contains("management.endpoints.web.exposure.include=supervisor");
        }
        assertThat(readOnly.isActive()).isTrue();
    }

    @Test
    void thePageFilesAreKeptInANativeImage() {
        RuntimeHints hints = new RuntimeHints();
        new SupervisorPageConfiguration.PageFiles().registerHints(hints, getClass().getClassLoader());
        for (String file : new String[] {"index.html", "page.js", "page.css"}) {
            assertThat(RuntimeHintsPredicates.resource().forResource("dev/tasksupervisor/autoconfigure/page/" + file))
                    .accepts(hints);
        }
    }

    private static MockHttpServletResponse get(SupervisorPageHandlerMapping mapping, String path) throws Exception {
        MockHttpServletRequest request = request("GET", path);
        HandlerExecutionChain chain = mapping.getHandler(request);
        assertThat(chain).as("a handler for %s", path).isNotNull();
        MockHttpServletResponse response = new MockHttpServletResponse();
        ((HttpRequestHandler) chain.getHandler()).handleRequest(request, response);
        return response;
    }

    private static MockHttpServletRequest request(String method, String path) {
        return new MockHttpServletRequest(method, path);
    }
}
