package com.spotoptimizer.api.agent;

import com.spotoptimizer.api.system.NulFree;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/agents/{agent_id}/commands/{command_id}/result}. {@code error_code} (optional): EC2's error
 * code of a failure, e.g. {@code InsufficientInstanceCapacity}; without it the code is looked for in the message, as
 * the seed's agents write it.
 */
public record CommandResultRequest(@NotNull Boolean success, @NulFree @Size(max = 2000) String message,
                                   @Pattern(regexp = "^[A-Za-z][A-Za-z0-9.]{0,99}$",
                                           message = "must be an EC2 error code such as InsufficientInstanceCapacity")
                                   String errorCode) {
}
