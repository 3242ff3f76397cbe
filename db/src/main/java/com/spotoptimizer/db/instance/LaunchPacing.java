package com.spotoptimizer.db.instance;

import java.time.Instant;

/**
 * What the row says about a launch's EC2 turn and attempts (migration V4): why it waits, when the agent called,
 * which attempt ran and which were skipped (both JSON text, written by the capacity fallback).
 */
public record LaunchPacing(String launchQueuedReason, Instant launchCallAt, String launchedWithJson,
                           String skippedAlternativesJson) {

    public static final LaunchPacing NONE = new LaunchPacing(null, null, null, null);

    public LaunchPacing withQueuedReason(String reason) {
        return new LaunchPacing(reason, launchCallAt, launchedWithJson, skippedAlternativesJson);
    }

    public LaunchPacing withCallAt(Instant at) {
        return new LaunchPacing(null, at, launchedWithJson, skippedAlternativesJson);
    }
}
