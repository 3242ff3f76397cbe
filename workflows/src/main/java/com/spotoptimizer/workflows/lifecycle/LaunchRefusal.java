package com.spotoptimizer.workflows.lifecycle;

import com.spotoptimizer.workflows.system.FailureTypes;

/**
 * An HTTP agent reports that EC2 refused a launch attempt (its failed LAUNCH_INSTANCE result). {@code failureType}:
 * the capacity refusal it names ({@link FailureTypes#INSUFFICIENT_CAPACITY}, {@link FailureTypes#UNSUPPORTED}) or
 * null for any other refusal; {@code attempt}: the attempt the refused command was for (null: the command does not
 * say, taken as the current one). Signals of this shape replace {@link Outcome} ({@code instanceId}, {@code reason}),
 * whose payloads read as a refusal with neither.
 */
public record LaunchRefusal(String instanceId, String reason, String failureType, Integer attempt) {

    public boolean capacityRefused() {
        return FailureTypes.INSUFFICIENT_CAPACITY.equals(failureType) || FailureTypes.UNSUPPORTED.equals(failureType);
    }

    /** False when the refusal names an attempt and it is not {@code current}. */
    public boolean isFor(int current) {
        return attempt == null || attempt == current;
    }
}
