package com.spotoptimizer.workflows.lifecycle;

/** How a launch or termination ended: the failure transitions carry it to the row and the event. */
public record Outcome(String instanceId, String reason) {
}
