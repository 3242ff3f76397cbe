package com.spotoptimizer.api.instance;

import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.system.JsonText;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An instance as the API shows it: both ids, status, every timestamp and duration, version; while launching, why it
 * waits for its EC2 turn ({@code launch_queued_reason}) and when the agent made its call ({@code launch_call_at}).
 */
public record InstanceView(
        String instanceId,
        String ec2InstanceId,
        String requestId,
        String clientId,
        String agentId,
        String instanceType,
        String role,
        String status,
        String failureReason,
        Map<String, Object> metadata,
        Instant launchRequestedAt,
        Instant launchConfirmedAt,
        Double launchDurationSeconds,
        String terminationRequestId,
        Instant terminationRequestedAt,
        Instant terminationConfirmedAt,
        Double terminationDurationSeconds,
        long version,
        Instant createdAt,
        Instant updatedAt,
        String launchQueuedReason,
        Instant launchCallAt,
        Map<String, Object> launchedWith,
        List<Map<String, Object>> skippedAlternatives) {

    public static InstanceView of(InstanceRow row) {
        return new InstanceView(row.instanceId().toString(), row.ec2InstanceId(), row.requestId(), row.clientId(),
                row.agentId(), row.instanceType(), row.role(), row.status().value(), row.failureReason(),
                JsonText.toMap(row.metadataJson()), row.launchRequestedAt(), row.launchConfirmedAt(),
                row.launchDurationSeconds(), row.terminationRequestId(), row.terminationRequestedAt(),
                row.terminationConfirmedAt(), row.terminationDurationSeconds(), row.version(), row.createdAt(),
                row.updatedAt(), row.pacing().launchQueuedReason(), row.pacing().launchCallAt(),
                row.pacing().launchedWithJson() == null ? null : JsonText.toMap(row.pacing().launchedWithJson()),
                skipped(row.pacing().skippedAlternativesJson()));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> skipped(String json) {
        return json == null ? null : (List<Map<String, Object>>) (List<?>) JsonText.toList(json);
    }
}
