package com.spotoptimizer.api.groundtruth;

/** The row after a ground-truth report; {@code changed} is false when the record already agreed. */
public record InstanceStateAnswer(String instanceId, String ec2InstanceId, String status, String reason,
                                  boolean changed) {
}
