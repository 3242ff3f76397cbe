package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/** A client asked to terminate; {@code reason} is what the event log will say. */
public record TerminationRequest(String requestId, String reason, Instant requestedAt) {
}
