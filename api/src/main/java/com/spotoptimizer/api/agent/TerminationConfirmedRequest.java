package com.spotoptimizer.api.agent;

import com.spotoptimizer.api.system.NulFree;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** TERMINATE_CONFIRMED: body of {@code POST /api/agents/{agent_id}/instance-terminated}. */
public record TerminationConfirmedRequest(
        @NotBlank @NulFree @Size(max = 64) String instanceId,
        @Pattern(regexp = Ec2Ids.PATTERN, message = Ec2Ids.MESSAGE) String ec2InstanceId,
        @NulFree @Size(max = 64) String requestId) {
}
