package com.spotoptimizer.local;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the all-in-one, from environment variables (all optional).
 *
 * <table>
 * <tr><td>SPOT_LOCAL_DATA</td><td>.local-data</td><td>embedded PostgreSQL data directory parent</td></tr>
 * <tr><td>SPOT_LOCAL_PG_HOST / PORT / USER</td><td>127.0.0.1 / 5432 / postgres</td><td>PostgreSQL to use when it answers</td></tr>
 * <tr><td>SPOT_LOCAL_DATABASE</td><td>spot</td><td>database name (created if missing)</td></tr>
 * <tr><td>SPOT_LOCAL_TEMPORAL_PORT</td><td>7233</td><td>in-process Temporal service port (for other agent-workers)</td></tr>
 * <tr><td>SPOT_LOCAL_EC2_PORT</td><td>8787</td><td>EC2 simulator port</td></tr>
 * <tr><td>SPOT_LOCAL_EC2_LAUNCH_DELAY / TERMINATE_DELAY</td><td>PT3S / PT2S</td><td>simulated pending→running, shutting-down→terminated</td></tr>
 * <tr><td>SPOT_LOCAL_AGENT_POLL_INTERVAL</td><td>PT2S</td><td>demo-agent's DescribeInstances interval</td></tr>
 * <tr><td>SPOT_LOCAL_EC2_RATE_LIMITS</td><td>true</td><td>the simulator throttles like EC2 (RunInstances 1,000
 * instances refilled at 2/s, TerminateInstances 1,000 at 20/s, request buckets per action)</td></tr>
 * <tr><td>SPOT_LOCAL_EC2_RATE_TIME_SCALE</td><td>1</td><td>refill rates × this, in the simulator and the
 * demo-agent's pacer alike (a demo of a big burst without the real wait)</td></tr>
 * </table>
 */
public record LocalSettings(
        Path dataDirectory,
        String pgHost,
        int pgPort,
        String pgUser,
        int embeddedPgPort,
        String database,
        int temporalPort,
        int ec2Port,
        Duration ec2LaunchDelay,
        Duration ec2TerminateDelay,
        Duration agentPollInterval,
        boolean ec2RateLimits,
        double ec2RateTimeScale) {

    /** Without EC2's rate limits in the simulator: what the end-to-end tests use, for speed. */
    public LocalSettings(Path dataDirectory, String pgHost, int pgPort, String pgUser, int embeddedPgPort,
                         String database, int temporalPort, int ec2Port, Duration ec2LaunchDelay,
                         Duration ec2TerminateDelay, Duration agentPollInterval) {
        this(dataDirectory, pgHost, pgPort, pgUser, embeddedPgPort, database, temporalPort, ec2Port, ec2LaunchDelay,
                ec2TerminateDelay, agentPollInterval, false, 1.0);
    }

    public LocalSettings withEc2RateLimits(boolean on, double timeScale) {
        return new LocalSettings(dataDirectory, pgHost, pgPort, pgUser, embeddedPgPort, database, temporalPort, ec2Port,
                ec2LaunchDelay, ec2TerminateDelay, agentPollInterval, on, timeScale);
    }

    public static LocalSettings fromEnvironment() {
        return new LocalSettings(
                Path.of(env("SPOT_LOCAL_DATA", ".local-data")),
                env("SPOT_LOCAL_PG_HOST", "127.0.0.1"),
                Integer.parseInt(env("SPOT_LOCAL_PG_PORT", "5432")),
                env("SPOT_LOCAL_PG_USER", "postgres"),
                Integer.parseInt(env("SPOT_LOCAL_EMBEDDED_PG_PORT", "54329")),
                env("SPOT_LOCAL_DATABASE", "spot"),
                Integer.parseInt(env("SPOT_LOCAL_TEMPORAL_PORT", "7233")),
                Integer.parseInt(env("SPOT_LOCAL_EC2_PORT", "8787")),
                Duration.parse(env("SPOT_LOCAL_EC2_LAUNCH_DELAY", "PT3S")),
                Duration.parse(env("SPOT_LOCAL_EC2_TERMINATE_DELAY", "PT2S")),
                Duration.parse(env("SPOT_LOCAL_AGENT_POLL_INTERVAL", "PT2S")),
                Boolean.parseBoolean(env("SPOT_LOCAL_EC2_RATE_LIMITS", "true")),
                Double.parseDouble(env("SPOT_LOCAL_EC2_RATE_TIME_SCALE", "1")));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
