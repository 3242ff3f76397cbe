package com.spotoptimizer.agent.pacing;

import java.time.Duration;
import java.time.Instant;

/**
 * The agent's copy of one of EC2's token buckets: {@code capacity} tokens, starting full, refilled at
 * {@code refillPerSecond}. Time is passed in, so tests step it. Not thread-safe: {@link TurnQueue} locks.
 */
final class PacingBucket {

    private final double capacity;
    private final double refillPerSecond;
    private double tokens;
    private Instant refilledAt;

    PacingBucket(double capacity, double refillPerSecond, Instant now) {
        if (capacity <= 0 || refillPerSecond <= 0) {
            throw new IllegalArgumentException("capacity and refill must be positive");
        }
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        this.tokens = capacity;
        this.refilledAt = now;
    }

    boolean canPay(double cost, Instant now) {
        refill(now);
        return tokens >= Math.min(cost, capacity);
    }

    void take(double cost, Instant now) {
        refill(now);
        tokens -= Math.min(cost, capacity);
    }

    /** How long until {@code cost} tokens are there (zero if they are). */
    Duration until(double cost, Instant now) {
        refill(now);
        double missing = Math.min(cost, capacity) - tokens;
        if (missing <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(missing / refillPerSecond * 1e9));
    }

    /** EC2 said the bucket is empty (it answered RequestLimitExceeded): believe it. */
    void drain(Instant now) {
        refill(now);
        tokens = 0;
    }

    double tokens(Instant now) {
        refill(now);
        return tokens;
    }

    private void refill(Instant now) {
        if (now.isAfter(refilledAt)) {
            tokens = Math.min(capacity, tokens + Duration.between(refilledAt, now).toNanos() / 1e9 * refillPerSecond);
            refilledAt = now;
        }
    }
}
