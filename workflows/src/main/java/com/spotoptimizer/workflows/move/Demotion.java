package com.spotoptimizer.workflows.move;

/** The old primary {@code instanceId} serves on as a replica of {@code newPrimaryId}. */
public record Demotion(String instanceId, String newPrimaryId, String reason) {
}
