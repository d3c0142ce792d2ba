package dev.tasksupervisor.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A wall clock for tests that runs at real speed from a chosen instant and can jump: {@link #moveBy} stands for an
 * NTP step, a suspended host or an operator setting the time. Timers still wait real time; only what the clock
 * says moves.
 */
public final class MovableClock extends Clock {

    private final long startNanos = System.nanoTime();
    private final AtomicReference<Instant> origin;

    /** A clock that says {@code now} at once and runs on from there. */
    public MovableClock(Instant now) {
        this.origin = new AtomicReference<>(now);
    }

    /** Moves the clock by {@code amount}, forward when positive. */
    public void moveBy(Duration amount) {
        origin.updateAndGet(at -> at.plus(amount));
    }

    @Override
    public Instant instant() {
        return origin.get().plusNanos(System.nanoTime() - startNanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a MovableClock stays in UTC");
    }
}
