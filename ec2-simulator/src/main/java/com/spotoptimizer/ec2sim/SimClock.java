package com.spotoptimizer.ec2sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that only moves when told to. The simulator reads time on every request and derives states
 * from timestamps, so stepping this clock is all a test needs to move instances through their lifecycle.
 */
public final class SimClock extends Clock {

    private final AtomicReference<Instant> now;

    public SimClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock starting at a fixed, round instant so logs and assertions are easy to read. */
    public static SimClock startingAt(Instant start) {
        return new SimClock(start);
    }

    public Instant advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + step);
        }
        return now.updateAndGet(t -> t.plus(step));
    }

    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        // All simulator times are UTC; a zone would only change rendering, which we never do here.
        return this;
    }

    @Override
    public String toString() {
        return "SimClock[" + now.get() + "]";
    }
}
