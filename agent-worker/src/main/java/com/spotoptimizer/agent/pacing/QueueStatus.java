package com.spotoptimizer.agent.pacing;

import java.util.Locale;

/**
 * Where a queued turn stands: how many turns are ahead of it (all of them at its priority or higher) and since
 * when it waits. {@link #reason()} is coarse on purpose (next, under 10, 10+, 100+, 1,000+ ahead): it is what the
 * row shows, and it changes only a few times per launch, so reporting it costs a few writes, not one a poll.
 */
public record QueueStatus(Ec2Action action, int priority, int ahead, boolean backingOff) {

    public String reason() {
        String budget = action == Ec2Action.RUN_INSTANCES ? "RunInstances capacity budget"
                : "TerminateInstances capacity budget";
        if (backingOff) {
            return "EC2 answered RequestLimitExceeded; retrying under the " + budget;
        }
        return "waiting for " + budget + "; " + aheadText() + " at priority ≥ " + priority;
    }

    private String aheadText() {
        if (ahead == 0) {
            return "next in line";
        }
        if (ahead < 10) {
            return "fewer than 10 ahead";
        }
        int floor = ahead >= 1_000 ? 1_000 : ahead >= 100 ? 100 : 10;
        return String.format(Locale.ROOT, "%,d+ ahead", floor);
    }
}
