package com.spotoptimizer.ec2sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * EC2's token bucket: holds at most {@code capacity} tokens, starts full, and gains {@code refillPerSecond}
 * tokens a second (fractions accrue). A call that costs more than it holds is refused and takes nothing.
 * Time comes from the clock, so a test steps it instead of sleeping. Not thread-safe: its owner locks.
 */
final class TokenBucket {

    private final double capacity;
    private final double refillPerSecond;
    private final Clock clock;
    private double tokens;
    private Instant refilledAt;

    TokenBucket(double capacity, double refillPerSecond, Clock clock) {
        if (capacity <= 0 || refillPerSecond <= 0) {
            throw new IllegalArgumentException("capacity and refill must be positive: " + capacity + ", " + refillPerSecond);
        }
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        this.clock = clock;
        this.tokens = capacity;
        this.refilledAt = clock.instant();
    }

    /** Whether {@code cost} tokens are there now (after refilling up to now). */
    boolean has(double cost) {
        refill();
        return tokens >= cost;
    }

    /** Takes {@code cost} tokens; call after {@link #has(double)} said yes under the same lock. */
    void take(double cost) {
        refill();
        tokens -= cost;
    }

    double tokens() {
        refill();
        return tokens;
    }

    double capacity() {
        return capacity;
    }

    double refillPerSecond() {
        return refillPerSecond;
    }

    private void refill() {
        Instant now = clock.instant();
        if (now.isAfter(refilledAt)) {
            double seconds = Duration.between(refilledAt, now).toNanos() / 1e9;
            tokens = Math.min(capacity, tokens + seconds * refillPerSecond);
            refilledAt = now;
        }
    }
}
