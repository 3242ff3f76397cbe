package com.spotoptimizer.db.instance;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The attempt a launch runs with: the row's {@code launched_with} (jsonb). */
public record LaunchedWith(@JsonProperty("instance_type") String instanceType,
                           @JsonProperty("subnet_id") String subnetId) {
}
