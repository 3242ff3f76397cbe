package com.spotoptimizer.workflows.move;

import java.time.Duration;

/** Named timeouts of the moves, copied into their inputs at start. */
public final class MoveTimeouts {

    /**
     * How much longer than the launch's own confirmation timeout a move waits for its replacement before it reads
     * the row and decides: the launch records its outcome within this after its deadline.
     */
    public static final Duration REPLACEMENT_GRACE = Duration.ofSeconds(30);

    /** How often a move looks at a replacement launched by a workflow that is not its child (a resumed move). */
    public static final Duration SETTLE_POLL = Duration.ofSeconds(5);

    /** After an interruption's action time, how long EC2 gets to end the instance before we terminate it. */
    public static final Duration INTERRUPTION_GRACE = Duration.ofSeconds(30);

    private MoveTimeouts() {
    }
}
