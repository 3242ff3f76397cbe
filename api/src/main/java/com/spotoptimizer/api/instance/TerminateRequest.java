package com.spotoptimizer.api.instance;

import com.spotoptimizer.api.system.NulFree;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Optional body of {@code POST /api/client/instances/{id}/terminate}. */
public record TerminateRequest(
        @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String requestId,
        @NulFree @Size(max = 500) String reason) {

    public static TerminateRequest empty() {
        return new TerminateRequest(null, null);
    }
}
