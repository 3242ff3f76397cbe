package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.db.system.JsonText;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code metadata} an HTTP agent receives with a command: everything it needs to make the same
 * EC2 call the Temporal agent-worker makes, ClientToken and ownership tags included.
 */
final class CommandMetadata {

    private CommandMetadata() {
    }

    static String launch(LaunchInstanceInput input) {
        LaunchSpec spec = input.spec() == null ? LaunchSpec.empty() : input.spec();
        Map<String, Object> metadata = new LinkedHashMap<>(JsonText.toMap(input.metadataJson()));
        metadata.put("instance_type", input.instanceType());
        metadata.put("role", input.role());
        metadata.put("client_token", ClientTokens.forLaunch(input.clientId(), input.requestId(), input.instanceType()));
        metadata.put("tags", OwnershipTags.of(input.instanceId(), input.clientId(), input.agentId(), input.requestId(), spec.tags()));
        return JsonText.of(metadata);
    }

    /**
     * The primary a launched replica stands in for: launch metadata {@code replica_of} (a switch's or failover's
     * replacement carries it; a client may set it on a replica it launches). Null when absent or not an id.
     */
    static java.util.UUID replicaOf(LaunchInstanceInput input) {
        Object value = JsonText.toMap(input.metadataJson()).get("replica_of");
        if (!"replica".equals(input.role()) || !(value instanceof String text)) {
            return null;
        }
        return com.spotoptimizer.db.instance.InstanceRepository.parseUuid(text);
    }

    static String terminate(TerminateInstanceInput input, String ec2InstanceId) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("ec2_instance_id", ec2InstanceId);
        metadata.put("client_token", ClientTokens.forLaunch(input.clientId(), input.launchRequestId(), input.instanceType()));
        metadata.put("reason", input.reason());
        return JsonText.of(metadata);
    }
}
