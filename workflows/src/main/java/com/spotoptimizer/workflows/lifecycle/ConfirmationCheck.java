package com.spotoptimizer.workflows.lifecycle;

import io.temporal.workflow.Workflow;
import java.util.Objects;

/**
 * Who may confirm a workflow's work: the instance it was started for, by the agent it was given to.
 * Workflows started before confirmations carried an agent id (version marker absent) accept those without
 * one, so their recorded histories replay unchanged.
 */
public final class ConfirmationCheck {

    static final String AGENT_CHECKED = "agent-checked-confirmations";

    private final String instanceId;
    private final String agentId;
    private final boolean agentRequired;

    private ConfirmationCheck(String instanceId, String agentId, boolean agentRequired) {
        this.instanceId = instanceId;
        this.agentId = agentId;
        this.agentRequired = agentRequired;
    }

    /** Call once, at the start of the workflow method (it records a version marker). */
    public static ConfirmationCheck forWorkflow(String instanceId, String agentId) {
        boolean agentRequired = Workflow.getVersion(AGENT_CHECKED, Workflow.DEFAULT_VERSION, 1) == 1;
        return new ConfirmationCheck(instanceId, agentId, agentRequired);
    }

    /** Null when the confirmation may be considered, else the {@link ConfirmationVerdict} refusal code. */
    public String refusal(String confirmedInstanceId, String confirmingAgentId) {
        if (!instanceId.equals(confirmedInstanceId)) {
            return ConfirmationVerdict.WRONG_INSTANCE;
        }
        if (confirmingAgentId == null ? agentRequired : !Objects.equals(agentId, confirmingAgentId)) {
            return ConfirmationVerdict.WRONG_AGENT;
        }
        return null;
    }
}
