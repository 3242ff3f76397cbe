package com.spotoptimizer.agent.pacing;

import java.util.function.Consumer;

/**
 * Tells a queued call's workflow why it waits, only when the coarse reason ({@link QueueStatus#reason()}) changed
 * since the last report: a few signals per call, not one per status round.
 */
public final class QueueReasonReport {

    private final Consumer<String> send;
    private volatile String reported;

    public QueueReasonReport(Consumer<String> send) {
        this.send = send;
    }

    public void report(QueueStatus status) {
        String reason = status.reason();
        if (!reason.equals(reported)) {
            reported = reason;
            send.accept(reason);
        }
    }
}
