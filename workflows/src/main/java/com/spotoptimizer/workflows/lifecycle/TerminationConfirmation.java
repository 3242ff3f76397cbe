package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/** TERMINATE_CONFIRMED: EC2 reports the instance {@code terminated} (or it never existed). */
public record TerminationConfirmation(String instanceId, String ec2InstanceId, Instant confirmedAt) {
}
