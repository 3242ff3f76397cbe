package com.spotoptimizer.api.agent;

/** Answer to TERMINATE_CONFIRMED; the same every time it is sent. */
public record TerminationConfirmedResponse(String instanceId, String ec2InstanceId, String status,
                                           Double terminationDurationSeconds) {
}
