package com.spotoptimizer.db.instance;

/**
 * A confirmation contradicts the record: its EC2 id belongs to another instance, or is not the one recorded
 * for this instance. Nothing is written; a retry cannot fix it.
 */
public class ConfirmationConflictException extends RuntimeException {

    private final String recordedEc2InstanceId;

    public ConfirmationConflictException(String message, String recordedEc2InstanceId) {
        super(message);
        this.recordedEc2InstanceId = recordedEc2InstanceId;
    }

    /** The EC2 id the record holds for the confirmed instance (null when none yet). */
    public String recordedEc2InstanceId() {
        return recordedEc2InstanceId;
    }
}
