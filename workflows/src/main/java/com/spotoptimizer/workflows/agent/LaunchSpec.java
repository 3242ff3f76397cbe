package com.spotoptimizer.workflows.agent;

import java.util.Map;

/**
 * The EC2 part of a launch request's metadata. {@code market} is {@code spot} (default) or
 * {@code on-demand}; null fields fall back to the agent's configured defaults.
 */
public record LaunchSpec(String imageId, String subnetId, String market, Map<String, String> tags) {

    public static LaunchSpec empty() {
        return new LaunchSpec(null, null, null, Map.of());
    }
}
