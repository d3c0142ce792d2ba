package dev.tasksupervisor.autoconfigure;

import java.time.Duration;
import java.util.Locale;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.pool.PoolSettings;

/**
 * Turns {@code supervisor.*} properties into the core's settings, validating them first so that a bad
 * value fails start-up naming the property rather than a core setter.
 */
final class SupervisorSettings {

    private static final String POOL = "supervisor.pool.";

    private SupervisorSettings() {
    }

    /** The pool settings for {@code supervisor.pool.*}. */
    static PoolSettings poolSettings(SupervisorProperties.Pool pool) {
        boolean minSizeMax = "max".equals(pool.getMinSize().trim().toLowerCase(Locale.ROOT));
        int minSize = minSizeMax ? 0 : minSize(pool.getMinSize());
        if (pool.getMaxSize() != null && pool.getMaxSize() < 1) {
            throw new SupervisorConfigurationException(POOL + "max-size is " + pool.getMaxSize()
                    + ", but the pool needs at least one thread.",
                    "Set " + POOL + "max-size to 1 or more, or remove it to get the default (CPUs x 5).");
        }
        ConfiguredValues.notNegative(pool.getPoolSize(), POOL + "pool-size", "0 switches priorities off");
        ConfiguredValues.notNegative(pool.getReserveNormal(), POOL + "reserve-normal", "0 reserves no slot");
        ConfiguredValues.notNegative(pool.getReserveHigh(), POOL + "reserve-high", "0 reserves no slot");
        ConfiguredValues.notNegative(pool.getKeepAlive(), POOL + "keep-alive");
        ConfiguredValues.positive(pool.getCheckInterval(), POOL + "check-interval");
        ConfiguredValues.positive(pool.getCheckTimeout(), POOL + "check-timeout");
        if (pool.isVirtualThreads() && Runtime.version().feature() < 21) {
            throw new SupervisorConfigurationException(POOL + "virtual-threads is true, but this JVM runs Java "
                    + Runtime.version().feature() + " and virtual threads need Java 21 or newer.",
                    "Run the application on Java 21+, or set " + POOL + "virtual-threads to false.");
        }
        PoolSettings.Builder builder = PoolSettings.builder()
                .poolSize(pool.getPoolSize())
                .reserveNormal(pool.getReserveNormal())
                .reserveHigh(pool.getReserveHigh())
                .keepAlive(pool.getKeepAlive())
                .virtualThreads(pool.isVirtualThreads())
                .checkInterval(pool.getCheckInterval())
                .checkTimeout(pool.getCheckTimeout());
        if (pool.getMaxSize() != null) {
            builder.maxSize(pool.getMaxSize());
        }
        int maxSize = builder.build().maxSize(); // before min-size is set, which the core validates against it
        if (minSize > maxSize) {
            String whereMaxComesFrom = pool.getMaxSize() != null ? POOL + "max-size"
                    : pool.getPoolSize() > 0 ? "the max-size derived from pool-size + reserve-normal + reserve-high"
                    : "the default max-size (CPUs x 5)";
            throw new SupervisorConfigurationException(POOL + "min-size (" + minSize + ") is above "
                    + whereMaxComesFrom + " (" + maxSize + ").",
                    "Lower " + POOL + "min-size to at most " + maxSize + ", raise " + POOL
                            + "max-size, or set min-size to max to keep every thread.");
        }
        return minSizeMax ? builder.minSizeMax().build() : builder.minSize(minSize).build();
    }

    private static int minSize(String value) {
        int minSize;
        try {
            minSize = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new SupervisorConfigurationException(POOL + "min-size is '" + value
                    + "', which is neither a number of threads nor 'max'.",
                    "Set " + POOL + "min-size to a number (0 or more) or to max.", e);
        }
        ConfiguredValues.notNegative(minSize, POOL + "min-size", "0 keeps no idle thread; max keeps them all");
        return minSize;
    }

    /** How the supervisor stops with the context, as {@code supervisor.shutdown.*} say. */
    static StopOptions stopOptions(SupervisorProperties.Shutdown shutdown) {
        ConfiguredValues.notNegative(shutdown.getTimeout(), "supervisor.shutdown.timeout");
        StopOptions options = StopOptions.defaults().withStopSchedulers(shutdown.isStopSchedulers())
                .withCancelTasks(shutdown.isCancelTasks());
        return shutdown.getTimeout() == null ? options : options.withTimeout(shutdown.getTimeout());
    }

    /** The supervisor's poll delay, validated. */
    static Duration pollDelay(SupervisorProperties properties) {
        ConfiguredValues.notNegative(properties.getPollDelay(), "supervisor.poll-delay");
        return properties.getPollDelay();
    }
}
