package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.tasksupervisor.TaskSupervisor;

/**
 * The sample app's live page (enabled in its default profile) in a real headless Chromium, with the endpoint
 * read-only as it is by default: it lists every worker with run counts that go up, shows no action, and a write
 * posted from the page anyway is refused. The properties are {@link SampleApplicationTests}'s: one context for
 * both.
 */
@ExtendWith(HeadlessChromium.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.heartbeat=100ms", "supervisor.workers.price-report.interval=100ms",
                "supervisor.workers.heartbeat.initial-delay=0s", "spring.main.banner-mode=off"})
class LivePageReadOnlyBrowserTests {

    @TempDir
    static Path profile;

    private static ChromeDriver browser;

    @LocalServerPort
    private int port;

    @Autowired
    private TaskSupervisor supervisor;

    @BeforeAll
    static void startTheBrowser() {
        browser = HeadlessChromium.start(profile);
    }

    @AfterAll
    static void stopTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void thePageListsTheSampleAppsWorkersWithRunCountsThatGoUp() {
        LivePage page = LivePage.open(browser, port);
        assertThat(page.url()).endsWith("/actuator/supervisor-page/");
        assertThat(page.workerNames()).containsExactlyInAnyOrderElementsOf(
                supervisor.getWorkers().stream().map(worker -> worker.getName()).toList())
                .contains("heartbeat", "ship", "refreshCache", "pollPrices", "priceReport", "writeAudit");
        assertThat(page.cell("heartbeat", "state")).isEqualTo("active");
        assertThat(page.cell("heartbeat", "schedule")).isEqualTo("every PT0.1S");
        assertThat(page.cell("ship", "queue")).isEqualTo("0 / 1,000");
        long seen = page.runs("heartbeat");
        // The page refreshes itself: no reload here.
        await().atMost(LivePage.WAIT).ignoreExceptions().until(() -> page.runs("heartbeat") > seen);
        assertThat(page.text("#gauge-threads .gauge-value")).endsWith("of 16");
    }

    @Test
    void readOnlyThePageShowsNoActionAndAWritePostedFromItAnywayIsRefused() {
        LivePage page = LivePage.open(browser, port);
        assertThat(page.text("#access")).isEqualTo("read-only");
        assertThat(page.actionButtons()).isEmpty();
        assertThat(page.actions("heartbeat")).isEmpty();
        assertThat(page.element("#resize").isDisplayed()).isFalse();
        List<?> answer = page.postFromThePage("/heartbeat", "{\"action\":\"stop\"}");
        assertThat(answer.get(0)).isEqualTo(403L);
        assertThat((String) answer.get(1)).contains("set management.endpoint.supervisor.access=unrestricted");
        assertThat(supervisor.getWorker("heartbeat").isActive()).isTrue();
    }
}
