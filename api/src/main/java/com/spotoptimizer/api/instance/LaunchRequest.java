package com.spotoptimizer.api.instance;

import com.spotoptimizer.api.system.NulFree;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/client/instances/launch}. {@code alternatives} (at most {@value #MAX_ALTERNATIVES}) are
 * tried in order when EC2 refuses the launch for capacity.
 */
public record LaunchRequest(
        @NotBlank @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String agentId,
        @NotBlank @Size(max = 32) @Pattern(regexp = INSTANCE_TYPE,
                message = "must be an EC2 instance type such as t3.micro") String instanceType,
        @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String requestId,
        @Pattern(regexp = "^(primary|replica)$", message = "must be primary or replica") String role,
        @NulFree Map<String, Object> metadata,
        @Size(max = MAX_ALTERNATIVES, message = "at most 10 alternatives") List<@NotNull @Valid LaunchAlternativeRequest> alternatives) {

    public static final String INSTANCE_TYPE = "^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+$";
    public static final int MAX_ALTERNATIVES = 10;

    /** Without alternatives (callers from before they existed). */
    public LaunchRequest(String agentId, String instanceType, String requestId, String role, Map<String, Object> metadata) {
        this(agentId, instanceType, requestId, role, metadata, null);
    }
}
