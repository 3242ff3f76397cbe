package com.spotoptimizer.api.agent;

import com.spotoptimizer.api.system.NulFree;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** LAUNCH_CONFIRMED: body of {@code POST /api/agents/{agent_id}/instance-launched}. */
public record LaunchConfirmedRequest(
        @NotBlank @NulFree @Size(max = 64) String instanceId,
        @NotBlank @Pattern(regexp = Ec2Ids.PATTERN, message = Ec2Ids.MESSAGE) String ec2InstanceId,
        @NulFree @Size(max = 64) String requestId,
        @Pattern(regexp = "^running$", message = "must be running: confirm only once EC2 reports the instance running")
        String state) {
}
