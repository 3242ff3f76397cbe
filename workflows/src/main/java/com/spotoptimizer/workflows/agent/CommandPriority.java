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

    /**
     * The Temporal task-queue priority key (1 runs first … 5 last) of a command priority. The agent's task queue then
     * hands a critical launch or termination to the agent ahead of a backlog of switches scheduled before it, so the
     * agent's own pacer (which orders what it holds the same way) sees it at once instead of after the backlog.
     */
    public static int taskQueueKey(int priority) {
        int effective = orCritical(priority);
        if (effective >= CRITICAL) {
            return 1;
        }
        if (effective >= MANUAL_SWITCH) {
            return 2;
        }
        if (effective >= ML_URGENT_SWITCH) {
            return 3;
        }
        return effective >= ML_NORMAL_SWITCH ? 4 : 5;
    }

    /** Payloads recorded before priorities existed carry 0: they were all critical. */
    public static int orCritical(int priority) {
        return priority <= 0 ? CRITICAL : priority;
    }
}
