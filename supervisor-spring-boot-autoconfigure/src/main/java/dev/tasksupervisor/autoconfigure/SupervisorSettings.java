package dev.tasksupervisor.autoconfigure;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.TaskSupervisor;
import dev.tasksupervisor.config.InvalidSettingException;
import dev.tasksupervisor.pool.PoolSettings;

/**
 * Turns {@code supervisor.*} properties into the engine's settings. The engine validates them; a value it
 * refuses fails start-up naming the property ({@link InvalidSettings}).
 */
final class SupervisorSettings {

    private static final String POOL = "supervisor.pool.";
    /** The pool properties by the engine's names for them. */
    private static final Map<String, String> POOL_PROPERTIES = Map.of("minSize", "min-size", "maxSize", "max-size",
            "poolSize", "pool-size", "reserveNormal", "reserve-normal", "reserveHigh", "reserve-high",
            "keepAlive", "keep-alive", "checkInterval", "check-interval", "checkTimeout", "check-timeout");
    /** What 0 does, for the pool's counts. */
    private static final Map<String, String> ZERO_MEANS = Map.of("minSize", "0 keeps no idle thread; max keeps them all",
            "poolSize", "0 switches priorities off", "reserveNormal", "0 reserves no slot", "reserveHigh",
            "0 reserves no slot");

    private SupervisorSettings() {
    }

    /**
     * The pool settings for {@code supervisor.pool.*}; {@code springVirtualThreads} is Spring Boot's own switch,
     * {@code Threading.VIRTUAL}, which {@code virtual-threads} follows when it is not set.
     */
    static PoolSettings poolSettings(SupervisorProperties.Pool pool, boolean springVirtualThreads) {
        boolean virtualThreads = pool.getVirtualThreads() != null ? pool.getVirtualThreads() : springVirtualThreads;
        boolean minSizeMax = "max".equals(pool.getMinSize().trim().toLowerCase(Locale.ROOT));
        PoolSettings.Builder builder = PoolSettings.builder()
                .poolSize(pool.getPoolSize())
                .reserveNormal(pool.getReserveNormal())
                .reserveHigh(pool.getReserveHigh())
                .keepAlive(pool.getKeepAlive())
                .virtualThreads(virtualThreads)
                .checkInterval(pool.getCheckInterval())
                .checkTimeout(pool.getCheckTimeout());
        if (pool.getMaxSize() != null) {
            builder.maxSize(pool.getMaxSize());
        }
        try {
            return (minSizeMax ? builder.minSizeMax() : builder.minSize(minSize(pool.getMinSize()))).build();
        } catch (InvalidSettingException e) {
            throw refused(e, pool);
        } catch (IllegalStateException e) {
            // Spring's switch is only on from Java 21, so this is an explicit virtual-threads=true.
            if (!virtualThreads) {
                throw e;
            }
            throw new SupervisorConfigurationException(POOL + "virtual-threads is true, but this JVM runs Java "
                    + Runtime.version().feature() + " and virtual threads need Java 21 or newer.",
                    "Run the application on Java 21+, or set " + POOL + "virtual-threads to false.", e);
        }
    }

    private static SupervisorConfigurationException refused(InvalidSettingException e, SupervisorProperties.Pool pool) {
        String property = POOL + POOL_PROPERTIES.getOrDefault(e.setting(), e.setting());
        return switch (e.rule()) {
            case AT_LEAST_ONE -> new SupervisorConfigurationException(property + " is " + e.value()
                    + ", but the pool needs at least one thread.",
                    "Set " + property + " to 1 or more, or remove it to get the default (CPUs x 5).", e);
            case NOT_ABOVE -> {
                String whereMaxComesFrom = pool.getMaxSize() != null ? POOL + "max-size"
                        : pool.getPoolSize() > 0 ? "the max-size derived from pool-size + reserve-normal + reserve-high"
                        : "the default max-size (CPUs x 5)";
                yield new SupervisorConfigurationException(property + " (" + e.value() + ") is above " + whereMaxComesFrom
                        + " (" + e.otherValue() + ").", "Lower " + property + " to at most " + e.otherValue() + ", raise "
                        + POOL + "max-size, or set min-size to max to keep every thread.", e);
            }
            default -> InvalidSettings.of(e, property, ZERO_MEANS.get(e.setting()));
        };
    }

    private static int minSize(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new SupervisorConfigurationException(POOL + "min-size is '" + value
                    + "', which is neither a number of threads nor 'max'.",
                    "Set " + POOL + "min-size to a number (0 or more) or to max.", e);
        }
    }

    /** Sets the supervisor's poll delay from {@code supervisor.poll-delay}. */
    static void pollDelay(TaskSupervisor supervisor, Duration pollDelay) {
        try {
            supervisor.setPollDelay(pollDelay);
        } catch (InvalidSettingException e) {
            throw InvalidSettings.of(e, "supervisor.poll-delay");
        }
    }

    /** How the supervisor stops with the context, as {@code supervisor.shutdown.*} say. */
    static StopOptions stopOptions(SupervisorProperties.Shutdown shutdown) {
        StopOptions options = StopOptions.defaults().withStopSchedulers(shutdown.isStopSchedulers())
                .withCancelTasks(shutdown.isCancelTasks());
        try {
            return shutdown.getTimeout() == null ? options : options.withTimeout(shutdown.getTimeout());
        } catch (InvalidSettingException e) {
            throw InvalidSettings.of(e, "supervisor.shutdown.timeout");
        }
    }
}
