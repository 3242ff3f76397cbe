package com.spotoptimizer.db.instance;

import com.spotoptimizer.db.event.EventTypes;
import java.util.LinkedHashMap;
import java.util.Map;

/** The event each state announces, and the event payload of an instance: the same fields everywhere. */
final class InstanceEvents {

    private InstanceEvents() {
    }

    static String typeFor(InstanceStatus status) {
        return switch (status) {
            case LAUNCHING -> EventTypes.INSTANCE_LAUNCHING;
            case RUNNING_PRIMARY, RUNNING_REPLICA -> EventTypes.INSTANCE_RUNNING;
            case PROMOTING -> EventTypes.INSTANCE_PROMOTING;
            case TERMINATING -> EventTypes.INSTANCE_TERMINATING;
            case TERMINATED -> EventTypes.INSTANCE_TERMINATED;
            case LAUNCH_FAILED -> EventTypes.INSTANCE_LAUNCH_FAILED;
            case LAUNCH_TIMED_OUT -> EventTypes.INSTANCE_LAUNCH_TIMED_OUT;
            case TERMINATION_FAILED -> EventTypes.INSTANCE_TERMINATION_FAILED;
            case TERMINATION_TIMED_OUT -> EventTypes.INSTANCE_TERMINATION_TIMED_OUT;
        };
    }

    static Map<String, Object> data(InstanceRow row, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("instance_id", row.instanceId().toString());
        data.put("ec2_instance_id", row.ec2InstanceId());
        data.put("agent_id", row.agentId());
        data.put("instance_type", row.instanceType());
        data.put("status", row.status().value());
        data.put("role", row.role());
        data.put("request_id", row.requestId());
        data.put("version", row.version());
        data.put("launch_requested_at", text(row.launchRequestedAt()));
        data.put("launch_confirmed_at", text(row.launchConfirmedAt()));
        data.put("launch_duration_seconds", row.launchDurationSeconds());
        data.put("termination_requested_at", text(row.terminationRequestedAt()));
        data.put("termination_confirmed_at", text(row.terminationConfirmedAt()));
        data.put("termination_duration_seconds", row.terminationDurationSeconds());
        data.put("launch_queued_reason", row.pacing().launchQueuedReason());
        data.put("launch_call_at", text(row.pacing().launchCallAt()));
        data.put("launched_with", row.pacing().launchedWithJson() == null ? null
                : com.spotoptimizer.db.system.JsonText.toMap(row.pacing().launchedWithJson()));
        data.put("reason", reason);
        return data;
    }

    private static String text(java.time.Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
