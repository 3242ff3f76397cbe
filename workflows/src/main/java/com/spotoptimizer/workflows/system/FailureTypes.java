package com.spotoptimizer.workflows.system;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** EC2 error codes that mean "no capacity for this request now": another type or subnet may launch. */
    public static final Set<String> CAPACITY_CODES = Set.of("InsufficientInstanceCapacity", "InsufficientCapacity",
            "InsufficientHostCapacity", "InsufficientReservedInstanceCapacity", "InsufficientFreeAddressesInSubnet",
            "Server.InsufficientInstanceCapacity", "Server.SpotInstanceShutdown");

    /** An EC2 error code at a word boundary: "InsufficientInstanceCapacity: …", or boto3's "(Unsupported) when …". */
    private static final Pattern EC2_CODE = Pattern.compile("(?<![A-Za-z.])((?:Server\\.)?[A-Z][A-Za-z]+)(?![A-Za-z])");

    private FailureTypes() {
    }

    /**
     * The capacity refusal an EC2 error code stands for ({@link #INSUFFICIENT_CAPACITY} or {@link #UNSUPPORTED}),
     * or null for any other code.
     */
    public static String capacityType(String ec2Code) {
        if (ec2Code == null) {
            return null;
        }
        if (CAPACITY_CODES.contains(ec2Code)) {
            return INSUFFICIENT_CAPACITY;
        }
        return UNSUPPORTED.equals(ec2Code) ? UNSUPPORTED : null;
    }

    /**
     * The capacity refusal named in an agent's free-text failure message, or null. The seed's agents report EC2's
     * error as text: the SDK's "InsufficientInstanceCapacity: We currently do not have…" or boto3's "An error occurred
     * (InsufficientInstanceCapacity) when calling the RunInstances operation: …".
     */
    public static String capacityTypeIn(String message) {
        if (message == null) {
            return null;
        }
        Matcher codes = EC2_CODE.matcher(message);
        while (codes.find()) {
            String type = capacityType(codes.group(1));
            if (type != null) {
                return type;
            }
        }
        return null;
    }
}
