package com.spotoptimizer.workflows.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/** Tags that mark an EC2 instance as this system's and as one agent's, so that agent's orphan sweep can find it. */
public final class OwnershipTags {

    public static final String MANAGED_BY = "spot-optimizer:managed-by";
    public static final String MANAGED_BY_VALUE = "spot-optimizer";
    public static final String INSTANCE_ID = "spot-optimizer:instance-id";
    public static final String CLIENT_ID = "spot-optimizer:client-id";
    public static final String REQUEST_ID = "spot-optimizer:request-id";
    /** The agent that launched it: an agent's sweeps and watchers only ever touch instances with its own id. */
    public static final String AGENT_ID = "spot-optimizer:agent-id";

    private OwnershipTags() {
    }

    /** User tags first, ownership tags last so a user tag can never forge ownership. */
    public static Map<String, String> of(String instanceId, String clientId, String agentId, String requestId,
                                         Map<String, String> userTags) {
        Map<String, String> tags = new LinkedHashMap<>(userTags == null ? Map.of() : userTags);
        tags.put(MANAGED_BY, MANAGED_BY_VALUE);
        tags.put(INSTANCE_ID, instanceId);
        tags.put(CLIENT_ID, clientId);
        tags.put(AGENT_ID, agentId);
        tags.put(REQUEST_ID, requestId);
        return tags;
    }
}
