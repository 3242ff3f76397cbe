package com.spotoptimizer.agent.pacing;

/**
 * One EC2 mutation waiting for its turn. The pacer calls {@link #waiting} while it waits (heartbeat, report why),
 * {@link #call} when its turn comes (on a call thread), {@link #expired} when its wait deadline passed first.
 */
public interface PacedCall {

    Ec2Action action();

    /** Higher first (see {@code CommandPriority}); oldest first within one. */
    int priority();

    /**
     * What the call is for (e.g. the workflow and ClientToken), or null. A call submitted again under the same key (a
     * retried activity attempt) takes the earlier one's place in the queue instead of queueing twice.
     */
    default String key() {
        return null;
    }

    /** Resource tokens the call draws: instances launched or terminated. */
    int cost();

    /** Still queued. False: nobody wants it any more (cancelled, timed out); it leaves the queue. */
    boolean waiting(QueueStatus status);

    /** Makes the EC2 call. {@link Result#THROTTLED}: EC2 refused for its rate limit; the pacer queues it again. */
    Result call();

    /** It never got a turn, or kept being throttled, until its deadline. */
    void expired(String reason);

    enum Result {
        DONE,
        THROTTLED
    }
}
