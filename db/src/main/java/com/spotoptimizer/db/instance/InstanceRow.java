package com.spotoptimizer.db.instance;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code instances}. */
public record InstanceRow(
        UUID instanceId,
        String clientId,
        String agentId,
        String ec2InstanceId,
        String instanceType,
        String role,
        InstanceStatus status,
        String failureReason,
        String requestId,
        String requestFingerprint,
        String terminationRequestId,
        String metadataJson,
        Instant launchRequestedAt,
        Instant launchConfirmedAt,
        Double launchDurationSeconds,
        Instant terminationRequestedAt,
        Instant terminationConfirmedAt,
        Double terminationDurationSeconds,
        long version,
        Instant createdAt,
        Instant updatedAt,
        LaunchPacing pacing) {

    public InstanceRow {
        pacing = pacing == null ? LaunchPacing.NONE : pacing;
    }

    /** A row without pacing details (callers from before migration V4). */
    public InstanceRow(UUID instanceId, String clientId, String agentId, String ec2InstanceId, String instanceType,
                       String role, InstanceStatus status, String failureReason, String requestId,
                       String requestFingerprint, String terminationRequestId, String metadataJson,
                       Instant launchRequestedAt, Instant launchConfirmedAt, Double launchDurationSeconds,
                       Instant terminationRequestedAt, Instant terminationConfirmedAt, Double terminationDurationSeconds,
                       long version, Instant createdAt, Instant updatedAt) {
        this(instanceId, clientId, agentId, ec2InstanceId, instanceType, role, status, failureReason, requestId,
                requestFingerprint, terminationRequestId, metadataJson, launchRequestedAt, launchConfirmedAt,
                launchDurationSeconds, terminationRequestedAt, terminationConfirmedAt, terminationDurationSeconds,
                version, createdAt, updatedAt, LaunchPacing.NONE);
    }

    public InstanceRow withPacing(LaunchPacing newPacing) {
        return new InstanceRow(instanceId, clientId, agentId, ec2InstanceId, instanceType, role, status, failureReason,
                requestId, requestFingerprint, terminationRequestId, metadataJson, launchRequestedAt, launchConfirmedAt,
                launchDurationSeconds, terminationRequestedAt, terminationConfirmedAt, terminationDurationSeconds,
                version, createdAt, updatedAt, newPacing);
    }

    /** The attempt that ran decides the row's instance type (a fallback may run another than the first). */
    public InstanceRow withInstanceType(String type) {
        return new InstanceRow(instanceId, clientId, agentId, ec2InstanceId, type, role, status, failureReason,
                requestId, requestFingerprint, terminationRequestId, metadataJson, launchRequestedAt, launchConfirmedAt,
                launchDurationSeconds, terminationRequestedAt, terminationConfirmedAt, terminationDurationSeconds,
                version, createdAt, updatedAt, pacing);
    }

    public InstanceRow withStatus(InstanceStatus newStatus, String reason) {
        return new InstanceRow(instanceId, clientId, agentId, ec2InstanceId, instanceType, role, newStatus, reason,
                requestId, requestFingerprint, terminationRequestId, metadataJson, launchRequestedAt, launchConfirmedAt,
                launchDurationSeconds, terminationRequestedAt, terminationConfirmedAt, terminationDurationSeconds,
                version, createdAt, updatedAt, pacing);
    }

    /** The role follows a promotion or demotion. */
    public InstanceRow withRole(String newRole) {
        return new InstanceRow(instanceId, clientId, agentId, ec2InstanceId, instanceType, newRole, status, failureReason,
                requestId, requestFingerprint, terminationRequestId, metadataJson, launchRequestedAt, launchConfirmedAt,
                launchDurationSeconds, terminationRequestedAt, terminationConfirmedAt, terminationDurationSeconds,
                version, createdAt, updatedAt);
    }

    public InstanceRow withLaunchConfirmed(String ec2Id, Instant confirmedAt) {
        return new InstanceRow(instanceId, clientId, agentId, ec2Id, instanceType, role, status, failureReason,
                requestId, requestFingerprint, terminationRequestId, metadataJson, launchRequestedAt, confirmedAt,
                secondsBetween(launchRequestedAt, confirmedAt), terminationRequestedAt, terminationConfirmedAt,
                terminationDurationSeconds, version, createdAt, updatedAt, pacing);
    }

    public InstanceRow withTerminationRequested(String requestIdOfTermination, Instant requestedAt) {
        return new InstanceRow(instanceId, clientId, agentId, ec2InstanceId, instanceType, role, status, failureReason,
                requestId, requestFingerprint, requestIdOfTermination, metadataJson, launchRequestedAt,
                launchConfirmedAt, launchDurationSeconds, requestedAt, null, null, version, createdAt, updatedAt, pacing);
    }

    public InstanceRow withTerminationConfirmed(String ec2Id, Instant confirmedAt) {
        return new InstanceRow(instanceId, clientId, agentId, ec2Id != null ? ec2Id : ec2InstanceId, instanceType,
                role, status, failureReason, requestId, requestFingerprint, terminationRequestId, metadataJson,
                launchRequestedAt, launchConfirmedAt, launchDurationSeconds, terminationRequestedAt, confirmedAt,
                secondsBetween(terminationRequestedAt, confirmedAt), version, createdAt, updatedAt, pacing);
    }

    private static Double secondsBetween(Instant from, Instant to) {
        if (from == null || to == null) {
            return null;
        }
        // Clocks of agent and API may disagree by a little: a duration is never negative.
        return Math.max(0, (to.toEpochMilli() - from.toEpochMilli()) / 1000.0);
    }
}
