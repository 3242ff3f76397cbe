package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.db.system.JsonText;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchCommand;
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
        if (!input.alternatives().isEmpty()) {
            metadata.put("attempt", 0); // its alternatives, if EC2 refuses for capacity, come as attempts 1, 2, …
        }
        return JsonText.of(metadata);
    }

    /**
     * The metadata of an HTTP agent's later launch attempt: the client's launch metadata with the attempt's instance
     * type, subnet (none: EC2 chooses), its own ClientToken and the attempt's index.
     */
    static String launchAttempt(InstanceRow row, LaunchCommand command) {
        Map<String, Object> metadata = new LinkedHashMap<>(JsonText.toMap(row.metadataJson()));
        metadata.put("instance_type", command.instanceType());
        metadata.put("role", command.role());
        String subnet = command.spec() == null ? null : command.spec().subnetId();
        if (subnet == null) {
            metadata.remove("subnet_id");
        } else {
            metadata.put("subnet_id", subnet);
        }
        metadata.put("client_token", command.clientToken());
        metadata.put("tags", command.tags());
        metadata.put("attempt", command.attempt());
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
