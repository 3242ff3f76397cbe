package com.spotoptimizer.workflows.lifecycle;

import java.time.Duration;
import java.time.Instant;

/**
 * The confirmation deadline of one piece of work handed to an agent (a launch attempt, a termination), measured
 * from the agent's EC2 call rather than from the hand-over, so time spent waiting for EC2's rate budget does not
 * count against the confirmation:
 * <ul>
 *   <li>until the agent says anything: the confirmation timeout from the hand-over;</li>
 *   <li>once it says the work waits for its EC2 turn: the bounded queue wait from the hand-over (never earlier
 *       than the former);</li>
 *   <li>once it made its call: the confirmation timeout from the call, the call's time clamped to
 *       [hand-over, the moment the report arrived] so neither a stale report nor an agent clock ahead of ours
 *       moves it out of that range.</li>
 * </ul>
 * Plain deterministic state (every instant is given), so workflow code can own it.
 */
public final class CallDeadline {

    private final Duration confirmationTimeout;
    private final Duration queueWait;
    private Instant handedOverAt;
    private Instant callAt;
    private String queuedReason;

    public CallDeadline(Duration confirmationTimeout, Duration queueWait, Instant handedOverAt) {
        this.confirmationTimeout = confirmationTimeout;
        this.queueWait = queueWait;
        this.handedOverAt = handedOverAt;
    }

    /** The work is handed over again (the next attempt): nothing the agent said about the last one counts. */
    public void restart(Instant now) {
        handedOverAt = now;
        callAt = null;
        queuedReason = null;
    }

    /** The agent made its call at {@code madeAt}; {@code now} is when it said so. False: a call was already made. */
    public boolean callMade(Instant madeAt, Instant now) {
        if (callAt != null) {
            return false;
        }
        Instant at = madeAt.isAfter(now) ? now : madeAt;
        callAt = at.isBefore(handedOverAt) ? handedOverAt : at;
        return true;
    }

    /** The agent holds the work until EC2's budget gives it a turn, for {@code reason}. Ignored once it called. */
    public void queued(String reason) {
        if (callAt == null) {
            queuedReason = reason;
        }
    }

    public Instant deadline() {
        Instant noWord = handedOverAt.plus(confirmationTimeout);
        if (callAt != null) {
            return callAt.plus(confirmationTimeout);
        }
        if (queuedReason != null) {
            Instant queueBound = handedOverAt.plus(queueWait);
            return queueBound.isAfter(noWord) ? queueBound : noWord;
        }
        return noWord;
    }

    /** How long the agent may hold the work at most: its queue wait, then the confirmation timeout from its call. */
    public Instant agentBound() {
        return handedOverAt.plus(queueWait).plus(confirmationTimeout);
    }

    /** When the agent made its call (null: not yet). */
    public Instant callAt() {
        return callAt;
    }

    /** Why the work waits for its EC2 turn (null: the agent has not said, or it made its call). */
    public String queuedReason() {
        return callAt == null ? queuedReason : null;
    }

    public boolean called() {
        return callAt != null;
    }
}
