package com.spotoptimizer.ec2sim;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Start-up configuration of an {@link Ec2Simulator}. Timing values are the initial ones: they can be
 * changed at runtime through {@link Ec2Faults}.
 *
 * @param bindAddress address to listen on; loopback by default so a test simulator is never exposed
 * @param port        TCP port, 0 for an ephemeral one
 * @param clock       time source for every state transition; pass a {@link SimClock} to step time in tests
 * @param timing      delays that drive the instance lifecycle
 * @param randomSeed  seed for instance ids, addresses and probabilistic throttling, so runs repeat
 * @param rateLimits  EC2's API throttling buckets; off by default, on in the local mode and benchmarks
 */
public record Ec2SimulatorConfig(String bindAddress, int port, Clock clock, Timing timing, long randomSeed,
                                 Ec2RateLimits rateLimits) {

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final long DEFAULT_RANDOM_SEED = 42L;

    public Ec2SimulatorConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(timing, "timing");
        rateLimits = rateLimits == null ? Ec2RateLimits.off() : rateLimits;
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public Ec2SimulatorConfig(String bindAddress, int port, Clock clock, Timing timing, long randomSeed) {
        this(bindAddress, port, clock, timing, randomSeed, Ec2RateLimits.off());
    }

    /** Loopback, ephemeral port, wall-clock time, {@link Timing#defaults()}, no rate limits. */
    public static Ec2SimulatorConfig defaults() {
        return new Ec2SimulatorConfig(DEFAULT_BIND_ADDRESS, 0, Clock.systemUTC(), Timing.defaults(),
                DEFAULT_RANDOM_SEED, Ec2RateLimits.off());
    }

    public Ec2SimulatorConfig withBindAddress(String bindAddress) {
        return new Ec2SimulatorConfig(bindAddress, port, clock, timing, randomSeed, rateLimits);
    }

    public Ec2SimulatorConfig withPort(int port) {
        return new Ec2SimulatorConfig(bindAddress, port, clock, timing, randomSeed, rateLimits);
    }

    public Ec2SimulatorConfig withClock(Clock clock) {
        return new Ec2SimulatorConfig(bindAddress, port, clock, timing, randomSeed, rateLimits);
    }

    public Ec2SimulatorConfig withTiming(Timing timing) {
        return new Ec2SimulatorConfig(bindAddress, port, clock, timing, randomSeed, rateLimits);
    }

    public Ec2SimulatorConfig withRandomSeed(long randomSeed) {
        return new Ec2SimulatorConfig(bindAddress, port, clock, timing, randomSeed, rateLimits);
    }

    public Ec2SimulatorConfig withRateLimits(Ec2RateLimits rateLimits) {
        return new Ec2SimulatorConfig(bindAddress, port, clock, timing, randomSeed, rateLimits);
    }

    public Ec2SimulatorConfig withLaunchDelay(Duration launchDelay) {
        return withTiming(timing.withLaunchDelay(launchDelay));
    }

    public Ec2SimulatorConfig withTerminateDelay(Duration terminateDelay) {
        return withTiming(timing.withTerminateDelay(terminateDelay));
    }

    public Ec2SimulatorConfig withConsistencyWindow(Duration consistencyWindow) {
        return withTiming(timing.withConsistencyWindow(consistencyWindow));
    }

    public Ec2SimulatorConfig withTerminatedRetention(Duration terminatedRetention) {
        return withTiming(timing.withTerminatedRetention(terminatedRetention));
    }

    /**
     * Lifecycle delays, each measured from the transition that starts it.
     *
     * @param launchDelay         pending → running, from RunInstances
     * @param terminateDelay      shutting-down → terminated, from the first TerminateInstances
     * @param consistencyWindow   how long after RunInstances DescribeInstances still answers NotFound
     * @param terminatedRetention how long a terminated instance stays visible to DescribeInstances
     */
    public record Timing(Duration launchDelay, Duration terminateDelay, Duration consistencyWindow,
                         Duration terminatedRetention) {

        public static final Duration DEFAULT_LAUNCH_DELAY = Duration.ofSeconds(2);
        public static final Duration DEFAULT_TERMINATE_DELAY = Duration.ofSeconds(2);
        public static final Duration DEFAULT_CONSISTENCY_WINDOW = Duration.ofSeconds(1);
        public static final Duration DEFAULT_TERMINATED_RETENTION = Duration.ofHours(1);

        public Timing {
            requireNonNegative(launchDelay, "launchDelay");
            requireNonNegative(terminateDelay, "terminateDelay");
            requireNonNegative(consistencyWindow, "consistencyWindow");
            requireNonNegative(terminatedRetention, "terminatedRetention");
        }

        public static Timing defaults() {
            return new Timing(DEFAULT_LAUNCH_DELAY, DEFAULT_TERMINATE_DELAY, DEFAULT_CONSISTENCY_WINDOW,
                    DEFAULT_TERMINATED_RETENTION);
        }

        public Timing withLaunchDelay(Duration d) {
            return new Timing(d, terminateDelay, consistencyWindow, terminatedRetention);
        }

        public Timing withTerminateDelay(Duration d) {
            return new Timing(launchDelay, d, consistencyWindow, terminatedRetention);
        }

        public Timing withConsistencyWindow(Duration d) {
            return new Timing(launchDelay, terminateDelay, d, terminatedRetention);
        }

        public Timing withTerminatedRetention(Duration d) {
            return new Timing(launchDelay, terminateDelay, consistencyWindow, d);
        }

        static Duration requireNonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }
    }
}
