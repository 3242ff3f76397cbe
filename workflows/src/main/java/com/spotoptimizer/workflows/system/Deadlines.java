package com.spotoptimizer.workflows.system;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/** Workflow time: now, and what is left of a deadline (never negative). Only for workflow code. */
public final class Deadlines {

    private Deadlines() {
    }

    public static Instant now() {
        return Instant.ofEpochMilli(Workflow.currentTimeMillis());
    }

    public static Duration remaining(Instant deadline) {
        Duration left = Duration.between(now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
