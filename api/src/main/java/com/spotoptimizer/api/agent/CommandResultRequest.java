package com.spotoptimizer.api.agent;

import com.spotoptimizer.api.system.NulFree;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/agents/{agent_id}/commands/{command_id}/result}. */
public record CommandResultRequest(@NotNull Boolean success, @NulFree @Size(max = 2000) String message) {
}
