package com.spotoptimizer.api.agent;

/** EC2 instance ids: {@code i-} and 8 or 17 hex digits. */
public final class Ec2Ids {

    public static final String PATTERN = "^i-([0-9a-f]{8}|[0-9a-f]{17})$";
    public static final String MESSAGE = "must be an EC2 instance id such as i-0123456789abcdef0";

    private Ec2Ids() {
    }
}
