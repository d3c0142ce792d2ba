package dev.tasksupervisor.sample;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through its chromedriver, for the live page's browser tests; and, as a
 * JUnit condition on their classes ({@code @ExtendWith(HeadlessChromium.class)}), the reason they cannot run where
 * it is not installed.
 *
 * <p>Without the browser the tests are skipped, saying why (a skipped class with that reason in the test
 * report), except in CI ({@code CI=true}), where {@code .ci/run} installs {@code chromium} and
 * {@code chromium-driver} first: there a missing browser fails the tests, so that they are never skipped
 * unnoticed, unless {@code .ci/run} could not install it and said why in {@value #SKIP_REASON}, which the skip
 * then repeats.
 *
 * <p>The flags keep Chromium off the network, which is closed on the build machines and which it otherwise
 * waits for at start (component updates, sync, QUIC), and out of any profile but a fresh one.
 */
final class HeadlessChromium implements ExecutionCondition {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Set by {@code .ci/run} when it could not install the browser: why, for the skipped tests to say. */
    static final String SKIP_REASON = "SUPERVISOR_BROWSER_SKIP_REASON";

    /**
     * Selenium's warning that it has no DevTools (CDP) classes for this Chromium's version, at every start: the
     * tests use none (only WebDriver), and Debian's Chromium is often newer than the Selenium that Spring Boot's
     * BOM picks. Kept here, as JUL holds its loggers weakly.
     */
    private static final List<java.util.logging.Logger> QUIETED = List.of(
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

    /** What is missing, such as "no /usr/bin/chromedriver"; null when both are installed. */
    private static String missing() {
        List<String> missing = Stream.of(BROWSER, DRIVER).filter(path -> !Files.isExecutable(path))
                .map(Path::toString).toList();
        return missing.isEmpty() ? null : "no " + String.join(" or ", missing);
    }

    private static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Runs the class where the browser is installed, and in CI, where {@link #start} fails without it. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = missing();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("Chromium and its driver are installed");
        }
        String reason = System.getenv(SKIP_REASON);
        if (reason != null && !reason.isBlank()) {
            return ConditionEvaluationResult.disabled("no browser tests: " + reason);
        }
        if (inCi()) {
            return ConditionEvaluationResult.enabled(missing + " in CI: the tests fail, saying what to install");
        }
        return ConditionEvaluationResult.disabled(missing + ": install Debian's chromium and chromium-driver "
                + "(apt-get install chromium chromium-driver) to run the live page's browser tests");
    }

    /**
     * A new headless browser with a fresh profile in {@code profile}, its window 1400 x 1000; fails, saying what
     * to install, when there is none.
     */
    static ChromeDriver start(Path profile) {
        String missing = missing();
        if (missing != null) {
            fail(missing + (inCi() ? ", though CI runs the live page's browser tests: .ci/run installs Debian's "
                    + "chromium and chromium-driver first, or sets " + SKIP_REASON + " to the reason it could not"
                    : ": install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"));
        }
        QUIETED.forEach(logger -> logger.setLevel(java.util.logging.Level.SEVERE));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1000");
        // The driver given, so Selenium Manager never looks for one (on the network).
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(60)).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20)).pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }
}
