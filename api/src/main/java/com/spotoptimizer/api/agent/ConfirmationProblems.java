package com.spotoptimizer.api.agent;

import com.spotoptimizer.api.lifecycle.ConfirmationPendingException;
import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.api.system.Problems.ProblemException;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;

/**
 * The 409s an agent gets when its confirmation contradicts the record: each names the recorded value, so the
 * agent learns what was recorded (and that its confirmation was not).
 */
final class ConfirmationProblems {

    private ConfirmationProblems() {
    }

    static ProblemException requestMismatch(String recorded, String sent) {
        return Problems.conflict("request-id-mismatch", "Request id mismatch",
                        "the confirmation names request " + sent + ", the record says " + recorded)
                .with("recorded_request_id", recorded);
    }

    static ProblemException ec2Mismatch(InstanceRow row, String sent) {
        return Problems.conflict("ec2-id-mismatch", "EC2 id mismatch", "instance " + row.instanceId()
                        + " is recorded as " + row.ec2InstanceId() + ", not " + sent)
                .with("recorded_ec2_instance_id", row.ec2InstanceId());
    }

    /** Does not say which instance holds it: that may be another client's. */
    static ProblemException ec2Conflict(InstanceRow row, String sent) {
        return Problems.conflict("ec2-id-conflict", "EC2 id belongs to another instance",
                        sent + " is recorded for another instance, so it cannot be " + row.instanceId())
                .with("recorded_ec2_instance_id", row.ec2InstanceId());
    }

    static ProblemException refused(InstanceRow row, ConfirmationVerdict verdict) {
        String refusal = verdict.refusal();
        ProblemException problem = switch (refusal) {
            case ConfirmationVerdict.EC2_ID_MISMATCH -> Problems.conflict("ec2-id-mismatch", "EC2 id mismatch",
                    "instance " + row.instanceId() + " was confirmed as " + verdict.recordedEc2InstanceId()
                            + " first; this confirmation was not recorded");
            case ConfirmationVerdict.EC2_ID_CONFLICT -> Problems.conflict("ec2-id-conflict",
                    "EC2 id belongs to another instance", "the EC2 id is recorded for another instance");
            case ConfirmationVerdict.SETTLED -> Problems.conflict("confirmation-too-late", "Not taking confirmations",
                    "instance " + row.instanceId() + " has settled as "
                            + (verdict.instance() == null ? row.status().value() : verdict.instance().status()));
            case ConfirmationVerdict.RECORDING_FAILED -> Problems.conflict("recording-failed", "Not recorded",
                    "the confirmation could not be recorded; the instance was moved to its failure state");
            default -> Problems.conflict("confirmation-refused", "Confirmation refused",
                    "the confirmation does not match the instance or its agent (" + refusal + ")");
        };
        return problem.with("refusal", refusal).with("recorded_ec2_instance_id", verdict.recordedEc2InstanceId());
    }

    static ProblemException pending(ConfirmationPendingException e) {
        return Problems.unavailable("confirmation-pending", "Confirmation not answered yet",
                "the workflow has not answered in time; send the same confirmation again");
    }
}
