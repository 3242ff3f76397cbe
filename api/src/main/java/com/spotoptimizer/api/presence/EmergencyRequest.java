package com.spotoptimizer.api.presence;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;

/**
 * Body of {@code POST /api/agents/{agent_id}/emergency}: a notice the agent saw in instance metadata.
 *
 * @param kind          SPOT_INTERRUPTION or REBALANCE_RECOMMENDATION
 * @param ec2InstanceId the EC2 instance the notice is about
 * @param actionTime    when AWS will act (interruptions carry one; optional)
 */
public record EmergencyRequest(
        @NotBlank @Pattern(regexp = "^(SPOT_INTERRUPTION|REBALANCE_RECOMMENDATION)$",
                message = "must be SPOT_INTERRUPTION or REBALANCE_RECOMMENDATION") String kind,
        @NotBlank @Pattern(regexp = "^i-[0-9a-f]{8,17}$", message = "must be an EC2 instance id (i-…)") String ec2InstanceId,
        Instant actionTime) {
}
