package com.spotoptimizer.api.groundtruth;

import com.spotoptimizer.api.agent.Ec2Ids;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * Body of {@code POST /api/agents/{agent_id}/instance-state}: EC2 reports one of the agent's instances ended
 * without a termination of ours.
 *
 * @param state  EC2's state name: {@code shutting-down} or {@code terminated}
 * @param reason {@code spot_interruption} (EC2 reclaimed the spot capacity) or {@code terminated_outside}
 *               (console, another tool, anything else)
 */
public record InstanceStateReport(
        @NotBlank @Pattern(regexp = Ec2Ids.PATTERN, message = Ec2Ids.MESSAGE) String ec2InstanceId,
        @NotBlank @Pattern(regexp = "^(shutting-down|terminated)$", message = "must be shutting-down or terminated")
        String state,
        @NotBlank @Pattern(regexp = "^(spot_interruption|terminated_outside)$",
                message = "must be spot_interruption or terminated_outside") String reason) {
}
