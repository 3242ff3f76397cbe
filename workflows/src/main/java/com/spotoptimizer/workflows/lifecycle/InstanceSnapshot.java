package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/** The instance row as a workflow sees it after a transition. */
public record InstanceSnapshot(
        String instanceId,
        String ec2InstanceId,
        String clientId,
        String agentId,
        String requestId,
        String requestFingerprint,
        String instanceType,
        String role,
        String status,
        String failureReason,
        Instant launchRequestedAt,
        Instant terminationRequestedAt,
        long version) {
}
