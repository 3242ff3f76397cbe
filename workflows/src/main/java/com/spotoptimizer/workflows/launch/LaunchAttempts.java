package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.agent.LaunchAlternative;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.lifecycle.LaunchAttempt;
import java.util.ArrayList;
import java.util.List;

/**
 * The attempts of one launch: its own type and subnet, then its alternatives in order, and what EC2 said of each.
 * Capacity fallback is on for a launch with alternatives; for an HTTP agent each later attempt is a command of its
 * own. Plain deterministic state owned by {@link LaunchInstanceWorkflowImpl}.
 */
final class LaunchAttempts {

    /** What became of a refusal of the current attempt. */
    enum Refused {
        /** Another alternative is left: the launch moves on to it ({@link #advance()}). */
        NEXT_ATTEMPT,
        /** The launch ends refused, with {@link #finalReason(String)}. */
        FINAL
    }

    private final LaunchInstanceInput input;
    private final List<LaunchAlternative> all;
    private final boolean fallback;
    private final boolean httpCommands;
    private int index;
    private final List<LaunchAttempt.SkippedAlternative> skipped = new ArrayList<>();
    /** EC2 refused the current attempt for capacity and another is left: the reason, until the next one starts. */
    private String pendingReason;
    private boolean everyRefused;

    LaunchAttempts(LaunchInstanceInput input, boolean fallback, boolean httpCommands) {
        this.input = input;
        this.all = input.attempts();
        this.fallback = fallback;
        this.httpCommands = httpCommands;
    }

    /** Index into {@link LaunchInstanceInput#attempts()}: the attempt handed to the agent now. */
    int index() {
        return index;
    }

    boolean fallback() {
        return fallback;
    }

    /** True when an HTTP agent's capacity refusal falls back (each later attempt a command of its own). */
    boolean httpCommands() {
        return httpCommands;
    }

    /** True once the current attempt was refused for capacity and the next one is due. */
    boolean nextDue() {
        return pendingReason != null;
    }

    /** True when every attempt was refused for capacity: the row's attempt is cleared and each refusal listed. */
    boolean everyRefused() {
        return everyRefused;
    }

    /**
     * EC2 refused the current attempt for {@code reason}; {@code capacity}: for capacity, with fallback on. With another
     * alternative left it is due next; otherwise the launch ends (naming every attempt when all were refused).
     */
    Refused refused(String reason, boolean capacity) {
        if (capacity && index + 1 < all.size()) {
            pendingReason = reason;
            return Refused.NEXT_ATTEMPT;
        }
        if (capacity) {
            skip(reason);
            everyRefused = true;
        }
        return Refused.FINAL;
    }

    /** The reason a final refusal ends the launch with. */
    String finalReason(String reason) {
        if (!everyRefused) {
            return reason;
        }
        StringBuilder text = new StringBuilder("EC2 refused every alternative: ");
        for (int i = 0; i < skipped.size(); i++) {
            LaunchAttempt.SkippedAlternative s = skipped.get(i);
            text.append(i == 0 ? "" : "; ").append(s.instanceType())
                    .append(s.subnetId() == null ? "" : " in " + s.subnetId()).append(": ").append(s.reason());
        }
        return text.toString();
    }

    /** Moves on to the next attempt; returns the one refused and why. */
    LaunchAttempt.SkippedAlternative advance() {
        LaunchAttempt.SkippedAlternative refused = skip(pendingReason);
        pendingReason = null;
        return refused;
    }

    /** The row's instance type, launched_with and skipped_alternatives for the current attempt (none left: null). */
    LaunchAttempt payload(String workflowId) {
        boolean left = index < all.size();
        LaunchAlternative current = left ? all.get(index) : null;
        // The first attempt's command was queued with the launch; a later one of an HTTP agent needs its own.
        LaunchCommand httpCommand = httpCommands && left && index > 0
                ? LaunchCommands.of(workflowId, input, index) : null;
        return new LaunchAttempt(input.instanceId(), index, current == null ? null : current.instanceType(),
                current == null ? null : current.subnetId(), List.copyOf(skipped), httpCommand);
    }

    private LaunchAttempt.SkippedAlternative skip(String reason) {
        LaunchAlternative refused = all.get(index);
        LaunchAttempt.SkippedAlternative s = new LaunchAttempt.SkippedAlternative(refused.instanceType(),
                refused.subnetId(), reason);
        skipped.add(s);
        index++;
        return s;
    }
}
