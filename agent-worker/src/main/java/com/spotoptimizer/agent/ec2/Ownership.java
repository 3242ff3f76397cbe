package com.spotoptimizer.agent.ec2;

import com.spotoptimizer.workflows.agent.OwnershipTags;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/** Reading the ownership tags of an instance EC2 returned. */
public final class Ownership {

    private Ownership() {
    }

    /** The value of tag {@code key}, or null. */
    public static String tag(Instance instance, String key) {
        for (Tag tag : instance.tags()) {
            if (key.equals(tag.key())) {
                return tag.value();
            }
        }
        return null;
    }

    /** Whether the instance carries this system's tag and names {@code agentId} as the agent that launched it. */
    public static boolean isOwnedBy(Instance instance, String agentId) {
        return OwnershipTags.MANAGED_BY_VALUE.equals(tag(instance, OwnershipTags.MANAGED_BY))
                && agentId.equals(tag(instance, OwnershipTags.AGENT_ID));
    }

    /** Whether the instance names another agent: such an instance is never this agent's to touch. */
    public static boolean isOtherAgents(Instance instance, String agentId) {
        String owner = tag(instance, OwnershipTags.AGENT_ID);
        return owner != null && !owner.equals(agentId);
    }
}
