package com.spotoptimizer.workflows.orphan;

/** An EC2 instance carrying this system's ownership tags, as the agent found it. */
public record TaggedInstance(String ec2InstanceId, String instanceId, String clientId, String requestId, String state) {
}
