package dev.tasksupervisor.testsupport;

import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Captures what one logger logs while open, instead of printing it:
 * {@code try (LogCapture logs = LogCapture.of(X.class)) { ... }}.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final boolean additive;
    private final Level level;

    private LogCapture(Logger logger) {
        this.logger = logger;
        this.additive = logger.isAdditive();
        this.level = logger.getLevel();
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false); // a test that logs 1,000 lines on purpose need not print them
        logger.setLevel(Level.ALL); // whatever the test configuration's level for it
    }

    /** Starts capturing what the logger named after {@code type} logs. */
    public static LogCapture of(Class<?> type) {
        return new LogCapture((Logger) LoggerFactory.getLogger(type));
    }

    /** The formatted messages logged at {@code level} so far, in order. */
    public List<String> messages(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Everything logged so far. */
    public List<ILoggingEvent> events() {
        synchronized (appender) { // AppenderBase appends under the appender's own monitor
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        logger.setLevel(level);
        logger.setAdditive(additive);
        logger.detachAppender(appender);
        appender.stop();
    }
}
