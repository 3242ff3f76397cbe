package com.spotoptimizer.api.command;

import com.spotoptimizer.api.instance.Ids;
import com.spotoptimizer.api.system.NulFree;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of {@code POST /api/client/commands}: a switch or maintenance command for one of the client's
 * agents. Its priority follows from its type.
 */
public record QueueCommandRequest(
        @NotBlank @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String agentId,
        @NotBlank @Pattern(regexp = "^(MANUAL_SWITCH|ML_URGENT_SWITCH|ML_NORMAL_SWITCH|SCHEDULED_MAINTENANCE)$",
                message = "must be MANUAL_SWITCH, ML_URGENT_SWITCH, ML_NORMAL_SWITCH or SCHEDULED_MAINTENANCE")
        String commandType,
        @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String requestId,
        @NulFree @Size(max = 64) String instanceId,
        @NulFree Map<String, Object> metadata) {
}
