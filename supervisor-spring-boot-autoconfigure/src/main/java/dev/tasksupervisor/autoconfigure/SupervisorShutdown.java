package dev.tasksupervisor.autoconfigure;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import dev.tasksupervisor.StopOptions;
import dev.tasksupervisor.SupervisorState;
import dev.tasksupervisor.TaskSupervisor;

/**
 * Stops the task supervisor as {@code supervisor.shutdown.*} says, within the time Spring gives its
 * life-cycle phase: when the context closes ({@link SupervisorLifecycle}), or, if the context fails or
 * closes while its life cycle is not running (before it started, or paused), when the bean factory is
 * destroyed. It is created before the supervisor and destroyed after it, so a started supervisor is always
 * stopped with the context. A supervisor of a parent context is not its to stop.
 *
 * <p>Why a budget: Spring waits {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s) for the phase,
 * then closes the context and destroys the application's beans, and the JVM exits; a drain still going
 * then loses what is queued and calls beans already destroyed. So the stop drains for the phase's timeout
 * less a reserve ({@link #reserve}), then forces: the run in flight and what is still queued go to the
 * undelivered-items handlers while the context is still open. {@code supervisor.shutdown.timeout} can only
 * shorten that.
 */
final class SupervisorShutdown implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SupervisorShutdown.class);

    /** Spring Boot's default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
    static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

    private final SupervisorProperties.Shutdown settings;
    private final Duration timeout;
    private final StopOptions options;
    private volatile TaskSupervisor supervisor;

    /**
     * @param settings {@code supervisor.shutdown.*}
     * @param phaseTimeout {@code spring.lifecycle.timeout-per-shutdown-phase}
     * @throws SupervisorConfigurationException if the phase timeout is not positive
     */
    SupervisorShutdown(SupervisorProperties.Shutdown settings, Duration phaseTimeout) {
        if (phaseTimeout.isNegative() || phaseTimeout.isZero()) {
            throw new SupervisorConfigurationException("spring.lifecycle.timeout-per-shutdown-phase is " + phaseTimeout
                    + ": the supervisor would get no time to drain its queues when the application stops.",
                    "Set spring.lifecycle.timeout-per-shutdown-phase to a positive duration, such as 30s.");
        }
        Duration budget = phaseTimeout.minus(reserve(phaseTimeout));
        Duration configured = settings.getTimeout();
        if (configured != null && configured.compareTo(budget) > 0) {
            log.warn("supervisor.shutdown.timeout is {} but spring.lifecycle.timeout-per-shutdown-phase is {}: the "
                    + "supervisor drains for {} at most when the application stops, then hands back what is left; raise "
                    + "spring.lifecycle.timeout-per-shutdown-phase to let it drain longer", configured, phaseTimeout, budget);
        }
        this.settings = settings;
        this.timeout = configured == null || configured.compareTo(budget) > 0 ? budget : configured;
        this.options = SupervisorSettings.stopOptions(settings).withTimeout(timeout);
    }

    /**
     * What the stop keeps of the phase for forcing and handing back (each forced run gets up to 100 ms to
     * end, then the handlers run): a tenth, at least 0.5 s and at most 5 s, and never more than half.
     */
    static Duration reserve(Duration phaseTimeout) {
        Duration tenth = phaseTimeout.dividedBy(10);
        Duration reserve = tenth.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500)
                : tenth.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : tenth;
        Duration half = phaseTimeout.dividedBy(2);
        return reserve.compareTo(half) > 0 ? half : reserve;
    }

    /** How long a stop drains before it forces what is left: the shutdown timeout, within the phase's budget. */
    Duration timeout() {
        return timeout;
    }

    /** The supervisor to stop when the bean factory is destroyed, if nothing stopped it before. */
    void track(TaskSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    /** Stops the supervisor: waits until the work is done or {@link #timeout()}, or not at all. */
    void stop(TaskSupervisor supervisor) {
        if (settings.isWait()) {
            supervisor.stop(options);
        } else {
            supervisor.requestStop(options);
        }
    }

    @Override
    public void destroy() {
        TaskSupervisor tracked = supervisor;
        if (tracked == null) {
            return;
        }
        if (tracked.getState() == SupervisorState.ACTIVE) {
            stop(tracked);
        } else if (tracked.getState() == SupervisorState.STOPPING && settings.isWait()) {
            log.warn("Task supervisor '{}' is still stopping after spring.lifecycle.timeout-per-shutdown-phase: the "
                    + "context closes now, and the supervisor goes on stopping in the background (a worker's run "
                    + "ignored its interruption, or the phase timeout is shorter than Spring was configured with)",
                    tracked.getId());
        }
    }
}
