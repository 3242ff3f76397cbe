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
    /** EC2 does not offer the requested configuration there (e.g. the instance type in that zone). */
    public static final String UNSUPPORTED = "Unsupported";

    /**
     * A recording step refused a confirmation: its EC2 id belongs to another instance, or contradicts the one
     * recorded. The confirmation is discarded; the workflow keeps waiting for the right one until its deadline.
     */
    public static final String CONFIRMATION_CONFLICT = "ConfirmationConflict";
    /** The row is in a state that does not allow the transition (someone else settled it). */
    public static final String TRANSITION_NOT_ALLOWED = "TransitionNotAllowed";
    /** No row with that id: a bad payload, never fixed by a retry. */
    public static final String NO_SUCH_INSTANCE = "NoSuchInstance";

    /** Lifecycle (database) failures that no retry can fix. */
    public static final List<String> NON_RETRYABLE_LIFECYCLE = List.of(
            CONFIRMATION_CONFLICT, TRANSITION_NOT_ALLOWED, NO_SUCH_INSTANCE);

    /** EC2 refusals that no retry can fix: the launch ends with this reason. */
    public static final List<String> NON_RETRYABLE_EC2 = List.of(
            INSUFFICIENT_CAPACITY, INVALID_PARAMETER, UNAUTHORIZED, IDEMPOTENT_PARAMETER_MISMATCH, INSTANCE_GONE);

    private FailureTypes() {
    }
}
