package com.spotoptimizer.api.instance;

import com.spotoptimizer.api.system.NulFree;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Body of {@code POST /api/client/instances/launch}. */
public record LaunchRequest(
        @NotBlank @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String agentId,
        @NotBlank @Size(max = 32) @Pattern(regexp = "^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+$",
                message = "must be an EC2 instance type such as t3.micro") String instanceType,
        @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String requestId,
        @Pattern(regexp = "^(primary|replica)$", message = "must be primary or replica") String role,
        @NulFree Map<String, Object> metadata) {
}
