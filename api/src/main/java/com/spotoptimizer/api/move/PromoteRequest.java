package com.spotoptimizer.api.move;

import com.spotoptimizer.api.instance.Ids;
import jakarta.validation.constraints.Pattern;

/**
 * Optional body of {@code POST /api/client/instances/{id}/promote}. {@code demote_primary_to}: what becomes of the
 * primary the replica stands in for, {@code replica} (default) or {@code terminated}.
 */
public record PromoteRequest(
        @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String requestId,
        @Pattern(regexp = "^(replica|terminated)$", message = "must be replica or terminated") String demotePrimaryTo) {

    public static PromoteRequest empty() {
        return new PromoteRequest(null, null);
    }
}
