package com.spotoptimizer.db.instance;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An attempt EC2 refused for capacity: one element of the row's {@code skipped_alternatives} (jsonb). */
public record SkippedAlternative(@JsonProperty("instance_type") String instanceType,
                                 @JsonProperty("subnet_id") String subnetId, @JsonProperty("reason") String reason) {
}
