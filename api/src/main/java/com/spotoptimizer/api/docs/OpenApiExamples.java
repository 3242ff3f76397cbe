package com.spotoptimizer.api.docs;

import java.util.Map;

/**
 * Request and response examples of the OpenAPI document, by operation ({@code METHOD path}). The
 * launch example is posted as is by {@code OpenApiDocumentTest}, so it stays one the API accepts.
 */
final class OpenApiExamples {

    private OpenApiExamples() {
    }

    static final String LAUNCH = """
            {"agent_id": "demo-agent", "instance_type": "t3.micro", "request_id": "docs-example-launch-1",
             "role": "primary", "metadata": {"tags": {"team": "search"}}}""";

    /** Request bodies. */
    static final Map<String, String> REQUESTS = Map.of(
            "POST /api/client/instances/launch", LAUNCH,
            "POST /api/client/instances/{instance_id}/terminate", """
                    {"request_id": "docs-example-terminate-1"}""",
            "POST /api/client/commands", """
                    {"agent_id": "demo-agent", "command_type": "MANUAL_SWITCH", "request_id": "docs-example-switch-1",
                     "metadata": {"instance_id": "i-0123456789abcdef0",
                                  "target": {"instance_type": "m5.large", "subnet_id": "subnet-0abc", "market": "spot"}}}""",
            "POST /api/agents/{agent_id}/instance-launched", """
                    {"instance_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "ec2_instance_id": "i-0123456789abcdef0",
                     "request_id": "docs-example-launch-1", "state": "running"}""",
            "POST /api/agents/{agent_id}/instance-terminated", """
                    {"instance_id": "i-0123456789abcdef0", "ec2_instance_id": "i-0123456789abcdef0",
                     "request_id": "docs-example-terminate-1"}""",
            "POST /api/agents/{agent_id}/commands/{command_id}/result", """
                    {"success": true, "message": "launched i-0123456789abcdef0"}""",
            "POST /api/agents/{agent_id}/emergency", """
                    {"kind": "SPOT_INTERRUPTION", "ec2_instance_id": "i-0123456789abcdef0",
                     "action_time": "2026-01-01T12:02:00Z"}""",
            "POST /api/agents/{agent_id}/instance-state", """
                    {"ec2_instance_id": "i-0123456789abcdef0", "state": "terminated", "reason": "spot_interruption"}""");

    /** Success bodies, by operation and status. */
    static final Map<String, String> RESPONSES = Map.of(
            "POST /api/client/instances/launch 202", """
                    {"instance_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "request_id": "docs-example-launch-1",
                     "status": "launching", "agent_id": "demo-agent", "instance_type": "t3.micro", "role": "primary",
                     "launch_requested_at": "2026-01-01T12:00:00Z", "version": 1}""",
            "POST /api/client/instances/{instance_id}/terminate 202", """
                    {"instance_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "status": "terminating",
                     "termination_requested_at": "2026-01-01T12:10:00Z"}""",
            "GET /api/client/instances/{instance_id}/events 200", """
                    [{"event_id": 41, "type": "INSTANCE_LAUNCHING", "timestamp": "2026-01-01T12:00:00Z", "status": "launching",
                      "reason": null, "data": {"instance_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "status": "launching"}},
                     {"event_id": 57, "type": "INSTANCE_LAUNCH_TIMED_OUT", "timestamp": "2026-01-01T12:05:00Z",
                      "status": "launch_timed_out", "reason": "no launch confirmation within PT5M",
                      "data": {"instance_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "status": "launch_timed_out"}}]""");

    static final String SSE_FRAMES = """
            id: 42
            event: INSTANCE_RUNNING
            data: {"type":"INSTANCE_RUNNING","data":{"instance_id":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","ec2_instance_id":"i-0123456789abcdef0","agent_id":"demo-agent","instance_type":"t3.micro","status":"running_primary","role":"primary","request_id":"docs-example-launch-1","launch_duration_seconds":12.3,"version":2},"timestamp":"2026-01-01T12:00:12Z"}

            event: HEARTBEAT
            data: {"type":"HEARTBEAT","data":{},"timestamp":"2026-01-01T12:00:30Z"}

            """;

    static final String PROBLEM = """
            {"type": "https://spot-optimizer.dev/problems/invalid-request", "title": "Invalid request", "status": 400,
             "detail": "instance_type: must be an EC2 instance type such as t3.micro", "field": "instance_type"}""";
}
