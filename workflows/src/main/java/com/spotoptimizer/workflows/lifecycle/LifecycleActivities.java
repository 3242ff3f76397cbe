package com.spotoptimizer.workflows.lifecycle;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import io.temporal.activity.ActivityInterface;

/**
 * The one owner of instance state. Each method is one database transaction: a version-checked
 * update of the instance row plus its event row (the outbox). Each is idempotent: repeating a
 * transition that already happened returns the row unchanged, so activity retries are safe.
 * Runs on the control-plane task queue (implemented by the api process).
 */
@ActivityInterface
public interface LifecycleActivities {

    /** Creates the instance ({@code launching}), its LAUNCH_INSTANCE command and INSTANCE_LAUNCHING. */
    InstanceSnapshot recordLaunchRequested(LaunchInstanceInput input);

    /**
     * {@code launching → running_primary | running_replica} with the EC2 id and duration. On a row that
     * is already {@code terminating} or {@code launch_timed_out} it only attaches the EC2 id, so the
     * termination that follows knows what to terminate.
     */
    InstanceSnapshot recordLaunchConfirmed(LaunchConfirmation confirmation);

    /**
     * The agent waits for its EC2 turn: the row's {@code launch_queued_reason} and an INSTANCE_LAUNCH_QUEUED event.
     * Only while {@code launching}, and only when the reason changed; the status does not change.
     */
    InstanceSnapshot recordLaunchQueued(LaunchQueued queued);

    /**
     * The agent made its EC2 call: the row's {@code launch_call_at} (once), the queued reason cleared, and an
     * INSTANCE_LAUNCH_CALL_MADE event. Only while {@code launching}; the status does not change.
     */
    InstanceSnapshot recordLaunchCallMade(LaunchCallMade call);

    /**
     * A launch with alternatives starts an attempt: the row's {@code instance_type} becomes the attempt's,
     * {@code launched_with} names it and {@code skipped_alternatives} the refused ones before it, with an
     * INSTANCE_LAUNCH_ATTEMPT event from the second attempt on. Type and subnet null: every attempt was refused.
     * Only while {@code launching}; the status does not change.
     */
    InstanceSnapshot recordLaunchAttempt(LaunchAttempt attempt);

    /** {@code launching → launch_failed}: EC2 refused the launch (reason = EC2's error code). */
    InstanceSnapshot recordLaunchFailed(Outcome outcome);

    /** {@code launching → launch_timed_out}: no confirmation within the launch timeout. */
    InstanceSnapshot recordLaunchTimedOut(Outcome outcome);

    /**
     * {@code launching → terminating} while the launch is unsettled. Queues nothing: the launch
     * workflow settles the launch first, then hands over to the termination with the EC2 id it learned.
     */
    InstanceSnapshot recordTerminationRequestedWhileLaunching(TerminateInstanceInput input);

    /**
     * {@code running_* | failure states → terminating}, queueing TERMINATE_INSTANCE. On a row already
     * {@code terminating} (the hand-over from a launch) it makes sure the command exists.
     */
    InstanceSnapshot recordTerminationRequested(TerminateInstanceInput input);

    /** {@code terminating → terminated} with the termination duration. */
    InstanceSnapshot recordTerminated(TerminationConfirmation confirmation);

    /** {@code terminating → termination_failed}. */
    InstanceSnapshot recordTerminationFailed(Outcome outcome);

    /** {@code terminating → termination_timed_out}. */
    InstanceSnapshot recordTerminationTimedOut(Outcome outcome);
}
