package com.spotoptimizer.workflows.terminate;

/** How the termination ended. */
public record TerminateResult(String instanceId, String status, String reason) {
}
