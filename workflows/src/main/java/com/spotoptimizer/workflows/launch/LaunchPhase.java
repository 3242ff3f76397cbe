package com.spotoptimizer.workflows.launch;

/** Where a launch workflow is. Each phase says which requests it still takes. */
public enum LaunchPhase {
    /** Writing the launching row and its command. */
    RECORDING,
    /** The agent has the work; waiting for its confirmation until the deadline. */
    AWAITING_CONFIRMATION,
    /** The outcome is being decided and recorded. */
    SETTLING,
    /** Timed out; a confirmation that turns up now is recorded and the instance terminated. */
    AWAITING_LATE_CONFIRMATION,
    /** Handed over to a termination workflow; nothing more is taken. */
    HANDED_OVER,
    CLOSED;

    /** Terminate-while-launching goes through the launch only while its outcome is open. */
    public boolean takesTerminationRequests() {
        return this == RECORDING || this == AWAITING_CONFIRMATION;
    }

    public boolean takesConfirmations() {
        return this == RECORDING || this == AWAITING_CONFIRMATION || this == SETTLING
                || this == AWAITING_LATE_CONFIRMATION;
    }

    /** The name a query shows (the phases were plain strings before; dashboards keep reading them). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
