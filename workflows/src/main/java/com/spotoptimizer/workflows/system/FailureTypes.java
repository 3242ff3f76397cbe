package com.spotoptimizer.workflows.system;

import java.util.List;

/**
 * Stable {@code ApplicationFailure} type strings. Agents raise them; workflows match on them and
 * users read them as the failure reason, so they never change once released.
 */
public final class FailureTypes {

    public static final String INSUFFICIENT_CAPACITY = "InsufficientInstanceCapacity";
    public static final String INVALID_PARAMETER = "InvalidParameterValue";
    public static final String UNAUTHORIZED = "UnauthorizedOperation";
    public static final String IDEMPOTENT_PARAMETER_MISMATCH = "IdempotentParameterMismatch";
    public static final String INSTANCE_GONE = "InstanceGone";

    /** EC2 refusals that no retry can fix: the launch ends with this reason. */
    public static final List<String> NON_RETRYABLE_EC2 = List.of(
            INSUFFICIENT_CAPACITY, INVALID_PARAMETER, UNAUTHORIZED, IDEMPOTENT_PARAMETER_MISMATCH, INSTANCE_GONE);

    private FailureTypes() {
    }
}
