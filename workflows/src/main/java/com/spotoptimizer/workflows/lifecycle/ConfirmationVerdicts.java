package com.spotoptimizer.workflows.lifecycle;

import io.temporal.workflow.Workflow;
import java.util.HashMap;
import java.util.Map;

/**
 * The answers a workflow gives to confirmations sent through an Update, by EC2 id (none counts as one id), once
 * it has decided them: recorded, or refused and why. A waiting Update handler returns as soon as its EC2 id is
 * decided. Workflow state: only touched from workflow code.
 */
public final class ConfirmationVerdicts {

    private final Map<String, ConfirmationVerdict> byEc2Id = new HashMap<>();

    public void accepted(String ec2InstanceId, InstanceSnapshot instance) {
        byEc2Id.put(key(ec2InstanceId), ConfirmationVerdict.accepted(instance));
    }

    public void refused(String ec2InstanceId, String refusal, InstanceSnapshot instance) {
        byEc2Id.put(key(ec2InstanceId), ConfirmationVerdict.refused(refusal,
                instance == null ? null : instance.ec2InstanceId(), instance));
    }

    /** The answer already given for this EC2 id (an accepted one with the row as it is now), or null. */
    public ConfirmationVerdict decided(String ec2InstanceId, InstanceSnapshot now) {
        ConfirmationVerdict verdict = byEc2Id.get(key(ec2InstanceId));
        return verdict != null && verdict.accepted() ? ConfirmationVerdict.accepted(now) : verdict;
    }

    /** Blocks the handler until the workflow has decided this EC2 id. */
    public ConfirmationVerdict await(String ec2InstanceId) {
        String key = key(ec2InstanceId);
        Workflow.await(() -> byEc2Id.containsKey(key));
        return byEc2Id.get(key);
    }

    private static String key(String ec2InstanceId) {
        return ec2InstanceId == null ? "" : ec2InstanceId;
    }
}
