package com.spotoptimizer.workflows.terminate;

import com.spotoptimizer.workflows.system.Transport;
import java.time.Duration;
import java.time.Instant;

/** Everything a termination needs, fixed at start; the timeout is copied in so running workflows keep it. */
public record TerminateInstanceInput(
        String instanceId,
        String clientId,
        String agentId,
        Transport transport,
        String agentTaskQueue,
        String launchRequestId,
        String instanceType,
        String requestId,
        String reason,
        Instant requestedAt,
        Duration confirmationTimeout,
        int priority) {
}
