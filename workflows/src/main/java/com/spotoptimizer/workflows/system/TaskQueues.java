package com.spotoptimizer.workflows.system;

/**
 * Task queue naming. The control-plane queue name itself lives in configuration
 * ({@code spring.temporal.workers}); agent queues are derived from the agent id so that an agent
 * worker and the control plane agree on them without sharing configuration.
 */
public final class TaskQueues {

    /** Worker name (not queue name) of the control-plane worker in {@code spring.temporal.workers}. */
    public static final String CONTROL_PLANE_WORKER = "control-plane";

    private static final String AGENT_QUEUE_PREFIX = "spot-agent-";

    private TaskQueues() {
    }

    public static String forAgent(String agentId) {
        return AGENT_QUEUE_PREFIX + agentId;
    }
}
