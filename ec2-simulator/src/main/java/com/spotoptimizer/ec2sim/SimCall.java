package com.spotoptimizer.ec2sim;

import java.time.Instant;
import java.util.Map;

/**
 * One EC2 call the simulator received, for tests that assert how a client talks to EC2 (for example that
 * a poll is one batched DescribeInstances).
 *
 * @param outcome {@code ok}, {@code dropped}, or the EC2 error code returned
 * @param params  the form parameters as sent
 */
public record SimCall(String action, Instant at, String outcome, Map<String, String> params) {

    public SimCall {
        params = Map.copyOf(params);
    }

    public boolean succeeded() {
        return "ok".equals(outcome);
    }
}
