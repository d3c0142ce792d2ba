package dev.tasksupervisor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.worker.BackgroundWorker;
import dev.tasksupervisor.worker.QueueWorker;

/**
 * The sample app's live page in a real headless Chromium with the endpoint's writes allowed
 * ({@code management.endpoint.supervisor.access=unrestricted}): its buttons trigger, stop, start, pause and
 * resume workers and resize the pool, and a refused action shows the endpoint's reason.
 */
@ExtendWith(HeadlessChromium.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.heartbeat=100ms", "supervisor.workers.heartbeat.initial-delay=0s",
                "management.endpoint.supervisor.access=unrestricted", "spring.main.banner-mode=off"})
class LivePageBrowserTests {

    @TempDir
    static Path profile;

    private static ChromeDriver browser;

    @LocalServerPort
    private int port;

    @Autowired
    private TaskSupervisor supervisor;

    @Autowired
    private CacheRefresher cacheRefresher;

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

    @AfterEach
    void restoreThePoolAndTheWorkers() {
        supervisor.resizePool(2, 16);
        for (BackgroundWorker worker : supervisor.getWorkers()) {
            if (worker.isStopped()) {
                worker.start();
            }
            if (worker instanceof QueueWorker<?> queue && queue.isActive()) {
                queue.resume();
            }
        }
    }

    @Test
    void triggeringTheEventWorkerFromThePageRunsIt() {
        LivePage page = LivePage.open(browser, port);
        assertThat(page.text("#access")).isEqualTo("actions allowed");
        assertThat(page.actions("refreshCache")).containsExactly("trigger", "stop");
        long shown = page.runs("refreshCache");
        int refreshes = cacheRefresher.refreshes();
        page.click("refreshCache", "trigger");
        await().atMost(LivePage.WAIT).until(() -> cacheRefresher.refreshes() > refreshes);
        await().atMost(LivePage.WAIT).ignoreExceptions().until(() -> page.runs("refreshCache") > shown);
    }

    @Test
    void aWorkerStoppedFromThePageCanBeStartedFromIt() {
        LivePage page = LivePage.open(browser, port);
        page.click("heartbeat", "stop");
        await().atMost(LivePage.WAIT).until(() -> supervisor.getWorker("heartbeat").isStopped());
        await().atMost(LivePage.WAIT).ignoreExceptions().until(() -> page.cell("heartbeat", "state").equals("stopped"));
        assertThat(page.actions("heartbeat")).containsExactly("start");
        page.click("heartbeat", "start");
        await().atMost(LivePage.WAIT).until(() -> supervisor.getWorker("heartbeat").isActive());
        await().atMost(LivePage.WAIT).ignoreExceptions().until(() -> page.cell("heartbeat", "state").equals("active"));
    }

    @Test
    void theQueueWorkerPausedFromThePageCanBeResumedFromIt() {
        LivePage page = LivePage.open(browser, port);
        QueueWorker<?> ship = supervisor.getWorker("ship", QueueWorker.class);
        assertThat(page.actions("ship")).containsExactly("pause", "stop");
        page.click("ship", "pause");
        await().atMost(LivePage.WAIT).until(ship::isPaused);
        await().atMost(LivePage.WAIT).ignoreExceptions().until(() -> page.cell("ship", "state").contains("paused"));
        page.click("ship", "resume");
        await().atMost(LivePage.WAIT).until(() -> !ship.isPaused());
        await().atMost(LivePage.WAIT).ignoreExceptions().until(() -> page.actions("ship").contains("pause"));
    }

    @Test
    void thePoolResizedFromThePageTakesTheSizesAndAResizeTheEndpointRefusesShowsWhy() {
        LivePage page = LivePage.open(browser, port);
        resize(page, "3", "9");
        await().atMost(LivePage.WAIT).until(() -> supervisor.getPoolSettings().maxSize() == 9
                && supervisor.getPoolSettings().minSize() == 3);
        await().atMost(LivePage.WAIT).ignoreExceptions()
                .until(() -> page.text("#gauge-threads .gauge-value").endsWith("of 9"));
        resize(page, "12", "9");
        await().atMost(LivePage.WAIT).ignoreExceptions().until(() -> page.element("#notice").isDisplayed());
        assertThat(page.text("#notice")).startsWith("resize the pool: refused, 400")
                .contains("must not be above maxSize");
        assertThat(supervisor.getPoolSettings().maxSize()).isEqualTo(9);
    }

    private static void resize(LivePage page, String minSize, String maxSize) {
        WebElement min = page.element("#resize input[name='minSize']");
        WebElement max = page.element("#resize input[name='maxSize']");
        min.clear();
        min.sendKeys(minSize);
        max.clear();
        max.sendKeys(maxSize);
        page.element("#resize button[data-action='resize']").click();
    }
}
