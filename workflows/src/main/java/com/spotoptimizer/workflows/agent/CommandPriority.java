package com.spotoptimizer.workflows.agent;

/**
 * The seed's command priorities. An agent runs higher priority first, oldest first within one; launches and
 * terminations a client asks for directly are critical, the optimizer's moves run at their command's priority.
 */
public final class CommandPriority {

    public static final int CRITICAL = 100;
    public static final int MANUAL_SWITCH = 75;
    public static final int ML_URGENT_SWITCH = 50;
    public static final int ML_NORMAL_SWITCH = 25;
    public static final int SCHEDULED_MAINTENANCE = 10;

    private CommandPriority() {
    }

    /** Payloads recorded before priorities existed carry 0: they were all critical. */
    public static int orCritical(int priority) {
        return priority <= 0 ? CRITICAL : priority;
    }
}
