package com.spotoptimizer.workflows.lifecycle;

/**
 * The answer to one agent confirmation sent as an Update: whether it was the one recorded and, when it was
 * not, why ({@code refusal}, a stable code) and what the record says instead. Of racing confirmations with
 * different EC2 ids exactly one is accepted.
 */
public record ConfirmationVerdict(boolean accepted, String refusal, String recordedEc2InstanceId,
                                  InstanceSnapshot instance) {

    /** Sent by another agent than the one the work was given to. */
    public static final String WRONG_AGENT = "wrong-agent";
    /** Names another instance than the workflow's. */
    public static final String WRONG_INSTANCE = "wrong-instance";
    /** Another EC2 id was confirmed (or recorded) first. */
    public static final String EC2_ID_MISMATCH = "ec2-id-mismatch";
    /** The EC2 id belongs to another instance of the record. */
    public static final String EC2_ID_CONFLICT = "ec2-id-conflict";
    /** The workflow no longer takes confirmations (timed out and done listening, refused, handed over). */
    public static final String SETTLED = "settled";
    /** The confirmation was taken but could not be recorded; the workflow moved the row to its failure state. */
    public static final String RECORDING_FAILED = "recording-failed";

    public static ConfirmationVerdict accepted(InstanceSnapshot instance) {
        return new ConfirmationVerdict(true, null, instance == null ? null : instance.ec2InstanceId(), instance);
    }

    public static ConfirmationVerdict refused(String refusal, String recordedEc2InstanceId, InstanceSnapshot instance) {
        return new ConfirmationVerdict(false, refusal, recordedEc2InstanceId, instance);
    }
}
