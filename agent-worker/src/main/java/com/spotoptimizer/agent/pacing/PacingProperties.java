package com.spotoptimizer.agent.pacing;

import java.time.Duration;

/**
 * {@code spot.agent.pacing.*}: the agent's copy of EC2's rate limits, defaulting to EC2's documented figures
 * (resource buckets: RunInstances 1,000 instances refilled at 2/s, TerminateInstances 1,000 at 20/s; request
 * buckets for mutating actions 50 calls refilled at 5/s; see the simulator's {@code Ec2RateLimits} for the source).
 * An account whose limits AWS raised sets its own figures here.
 *
 * @param enabled            pace RunInstances and TerminateInstances (true)
 * @param timeScale          refill rates multiplied by this (1); a benchmark against a simulator with faster refills
 *                           sets the same factor on both sides
 * @param runInstances       RunInstances' resource bucket (instances)
 * @param terminateInstances TerminateInstances' resource bucket (instances)
 * @param mutatingRequests   each action's request bucket (calls)
 * @param maxQueueWait       how long a call may wait for its turn, throttle retries included (30 min), then it fails
 * @param statusInterval     how often a waiting call heartbeats and reports where it stands (1 s)
 * @param callThreads        EC2 calls made at once once their turn came (16)
 * @param throttleBackoff    first wait after a RequestLimitExceeded that got through; doubles up to 30 s (1 s)
 * @param headroom           the share of EC2's figures the agent spends, capacity and refill alike (0.95): its copy
 *                           of a bucket and EC2's start at different moments and calls reach EC2 late and out of
 *                           step, so pacing at exactly EC2's figures meets the limit now and then at the boundary
 */
public record PacingProperties(Boolean enabled, Double timeScale, Bucket runInstances, Bucket terminateInstances,
                               Bucket mutatingRequests, Duration maxQueueWait, Duration statusInterval,
                               Integer callThreads, Duration throttleBackoff, Double headroom) {

    public static final double DEFAULT_HEADROOM = 0.95;

    public static final Duration DEFAULT_MAX_QUEUE_WAIT = Duration.ofMinutes(30);

    /** @param capacity tokens when full; @param refillPerSecond tokens added a second */
    public record Bucket(double capacity, double refillPerSecond) {
        public Bucket {
            if (capacity <= 0 || refillPerSecond <= 0) {
                throw new IllegalArgumentException("a bucket needs a positive capacity and refill");
            }
        }
    }

    public PacingProperties {
        enabled = enabled == null || enabled;
        timeScale = timeScale == null || !(timeScale > 0) ? 1.0 : timeScale;
        runInstances = runInstances == null ? new Bucket(1_000, 2) : runInstances;
        terminateInstances = terminateInstances == null ? new Bucket(1_000, 20) : terminateInstances;
        mutatingRequests = mutatingRequests == null ? new Bucket(50, 5) : mutatingRequests;
        maxQueueWait = positive(maxQueueWait, DEFAULT_MAX_QUEUE_WAIT);
        statusInterval = positive(statusInterval, Duration.ofSeconds(1));
        callThreads = callThreads == null || callThreads < 1 ? 16 : callThreads;
        throttleBackoff = positive(throttleBackoff, Duration.ofSeconds(1));
        headroom = headroom == null || !(headroom > 0) || headroom > 1 ? DEFAULT_HEADROOM : headroom;
    }

    /** The bucket the agent paces by: EC2's figures times {@link #headroom} (refill also times the time scale). */
    Bucket paced(Bucket ec2) {
        return new Bucket(ec2.capacity() * headroom, ec2.refillPerSecond() * timeScale * headroom);
    }

    public static PacingProperties defaults() {
        return new PacingProperties(null, null, null, null, null, null, null, null, null, null);
    }

    public static PacingProperties off() {
        return new PacingProperties(false, null, null, null, null, null, null, null, null, null);
    }

    public PacingProperties withTimeScale(double scale) {
        return new PacingProperties(enabled, scale, runInstances, terminateInstances, mutatingRequests, maxQueueWait,
                statusInterval, callThreads, throttleBackoff, headroom);
    }

    public PacingProperties withMaxQueueWait(Duration wait) {
        return new PacingProperties(enabled, timeScale, runInstances, terminateInstances, mutatingRequests, wait,
                statusInterval, callThreads, throttleBackoff, headroom);
    }

    public PacingProperties withRunInstances(Bucket bucket) {
        return new PacingProperties(enabled, timeScale, bucket, terminateInstances, mutatingRequests, maxQueueWait,
                statusInterval, callThreads, throttleBackoff, headroom);
    }

    public PacingProperties withMutatingRequests(Bucket bucket) {
        return new PacingProperties(enabled, timeScale, runInstances, terminateInstances, bucket, maxQueueWait,
                statusInterval, callThreads, throttleBackoff, headroom);
    }

    Bucket resource(Ec2Action action) {
        return action == Ec2Action.RUN_INSTANCES ? runInstances : terminateInstances;
    }

    private static Duration positive(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
