package dev.tasksupervisor.sample;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The live page as a test reads it, through the {@code data-worker}, {@code data-field} and {@code data-action}
 * attributes the page puts on its rows, cells and buttons.
 */
final class LivePage {

    /** Generous: the page refreshes every 2 s, and the machines are shared. */
    static final Duration WAIT = Duration.ofSeconds(20);

    private final WebDriver driver;

    private LivePage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens the page the sample app serves on {@code port}, at the path without its slash, as a user types it. */
    static LivePage open(WebDriver driver, int port) {
        driver.get("http://localhost:" + port + "/actuator/supervisor-page");
        LivePage page = new LivePage(driver);
        await().atMost(WAIT).ignoreExceptions().until(() -> !page.workerNames().isEmpty());
        return page;
    }

    String url() {
        return driver.getCurrentUrl();
    }

    List<String> workerNames() {
        return driver.findElements(By.cssSelector("#workers tbody tr")).stream()
                .map(row -> row.getDomAttribute("data-worker")).toList();
    }

    /** The text of a worker's cell: runs, state, queue, ... */
    String cell(String worker, String field) {
        return driver.findElement(By.cssSelector("tr[data-worker='" + worker + "'] [data-field='" + field + "']"))
                .getText();
    }

    long runs(String worker) {
        return Long.parseLong(cell(worker, "runs").replace(",", ""));
    }

    /** Every action button on the page: a worker's, and the pool's resize. */
    List<WebElement> actionButtons() {
        return driver.findElements(By.cssSelector("button[data-action]")).stream().filter(WebElement::isDisplayed)
                .toList();
    }

    List<String> actions(String worker) {
        return driver.findElements(By.cssSelector("tr[data-worker='" + worker + "'] button[data-action]")).stream()
                .map(button -> button.getDomAttribute("data-action")).toList();
    }

    /** Clicks a worker's button as soon as the page shows it. */
    void click(String worker, String action) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            driver.findElement(By.cssSelector("tr[data-worker='" + worker + "'] button[data-action='" + action + "']"))
                    .click();
            return true;
        });
    }

    String text(String cssSelector) {
        return driver.findElement(By.cssSelector(cssSelector)).getText();
    }

    WebElement element(String cssSelector) {
        return driver.findElement(By.cssSelector(cssSelector));
    }

    /**
     * Posts {@code json} from the page, to the endpoint the page reads plus {@code path}, as the page's buttons
     * do; returns the status and the answer's message.
     */
    List<?> postFromThePage(String path, String json) {
        return (List<?>) ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(document.documentElement.dataset.endpoint + arguments[0], {method: 'POST',
                    headers: {'Content-Type': 'application/json'}, body: arguments[1]})
                  .then((response) => response.json().then((body) => done([response.status, body.message || ''])))
                  .catch((error) => done([0, String(error)]));
                """, path, json);
    }
}
