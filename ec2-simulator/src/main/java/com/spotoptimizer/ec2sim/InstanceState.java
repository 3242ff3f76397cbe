package com.spotoptimizer.ec2sim;

/** The EC2 instance states the simulator produces, with EC2's numeric codes (low byte of the state code). */
public enum InstanceState {
    PENDING(0, "pending"),
    RUNNING(16, "running"),
    SHUTTING_DOWN(32, "shutting-down"),
    TERMINATED(48, "terminated");

    private final int code;
    private final String wireName;

    InstanceState(int code, String wireName) {
        this.code = code;
        this.wireName = wireName;
    }

    public int code() {
        return code;
    }

    /** The name EC2 uses on the wire and in the {@code instance-state-name} filter. */
    public String wireName() {
        return wireName;
    }
}
