package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.system.Transport;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a launch needs, fixed at start. The timeouts are copied in at start so a running
 * workflow keeps the values it started with and tests can shorten them. {@code priority} is the command's
 * (see {@link com.spotoptimizer.workflows.agent.CommandPriority}); the agent spends EC2's budget on higher first.
 */
public record LaunchInstanceInput(
        String instanceId,
        String clientId,
        String agentId,
        Transport transport,
        String agentTaskQueue,
        String requestId,
        String requestFingerprint,
        String instanceType,
        String role,
        LaunchSpec spec,
        String metadataJson,
        Instant requestedAt,
        Duration confirmationTimeout,
        Duration lateConfirmationWindow,
        Duration terminationTimeout,
        int priority) {
}
