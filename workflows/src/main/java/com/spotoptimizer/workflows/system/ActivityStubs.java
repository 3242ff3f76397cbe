package com.spotoptimizer.workflows.system;

import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.Priority;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Activity options of the lifecycle workflows, in one place. StartToClose is always set. */
public final class ActivityStubs {

    /**
     * Lifecycle writes are one short transaction. A database outage is ridden out for about two minutes, never
     * forever: after that the workflow records a failure state (or, if even that cannot be written, fails and the
     * row is left for the stuck-state alert and the reconciler). Failures no retry can fix are not retried.
     * StartToClose is also how long an attempt taken by a replica that then died blocks its workflow: 10 s.
     */
    private static final ActivityOptions LIFECYCLE = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setScheduleToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(200))
                    .setMaximumInterval(Duration.ofSeconds(10))
                    .setMaximumAttempts(20)
                    .setDoNotRetry(FailureTypes.NON_RETRYABLE_LIFECYCLE.toArray(String[]::new))
                    .build())
            .build();

    /**
     * An agent that stops heartbeating is presumed dead; the retry lands on a live agent of that queue. The
     * agent heartbeats at each watch poll (5 s) or a third of this, whichever is later, so a killed agent's
     * launch or termination resumes elsewhere within ~11 s (this plus the first retry interval).
     */
    static final Duration AGENT_HEARTBEAT = Duration.ofSeconds(10);

    private ActivityStubs() {
    }

    public static LifecycleActivities lifecycle() {
        return Workflow.newActivityStub(LifecycleActivities.class, LIFECYCLE);
    }

    public static com.spotoptimizer.workflows.move.MoveActivities moves() {
        return Workflow.newActivityStub(com.spotoptimizer.workflows.move.MoveActivities.class, LIFECYCLE);
    }

    /**
     * {@code remaining}: what is left of the confirmation deadline when the agent gets the work. {@code priority}: the
     * command's, carried as the task's Temporal priority on the agent's queue.
     */
    public static AgentActivities agent(String taskQueue, Duration remaining, int priority) {
        return agentStub(taskQueue, remaining.isNegative() || remaining.isZero() ? Duration.ofSeconds(1) : remaining,
                priority);
    }

    /**
     * Bounded by the confirmation timeout as a whole (ScheduleToClose), so an agent that comes back
     * after the launch was given up never starts it.
     */
    private static AgentActivities agentStub(String taskQueue, Duration confirmationTimeout, int priority) {
        return Workflow.newActivityStub(AgentActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setScheduleToCloseTimeout(confirmationTimeout)
                .setStartToCloseTimeout(confirmationTimeout)
                .setHeartbeatTimeout(AGENT_HEARTBEAT)
                .setCancellationType(ActivityCancellationType.TRY_CANCEL)
                .setPriority(Priority.newBuilder().setPriorityKey(CommandPriority.taskQueueKey(priority)).build())
                .setRetryOptions(RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setMaximumInterval(Duration.ofSeconds(20))
                        .setDoNotRetry(FailureTypes.NON_RETRYABLE_EC2.toArray(String[]::new))
                        .build())
                .build());
    }

    /**
     * The reason a failed agent activity gives, or null when it merely timed out or was cancelled
     * (the workflow's own timeout tells that story). A retryable failure (a throttle, an agent handing its
     * work back on shutdown) that ends the activity only because no retry fits in its time any more is
     * such a timeout too, not a refusal: Temporal reports it with the last attempt's failure.
     */
    public static String nonRetryableReason(Throwable failure) {
        Throwable cause = failure instanceof ActivityFailure ? failure.getCause() : failure;
        if (cause instanceof ApplicationFailure application
                && (application.isNonRetryable() || FailureTypes.NON_RETRYABLE_EC2.contains(application.getType()))) {
            String message = application.getOriginalMessage();
            return message == null || message.isBlank() ? application.getType() : application.getType() + ": " + message;
        }
        return null;
    }

    /**
     * True when EC2 refused for capacity: {@code InsufficientInstanceCapacity} (and its kin, which the agent reports
     * under that type) or {@code Unsupported} (the type is not offered there). Another type or subnet may launch.
     */
    public static boolean isCapacityRefusal(Throwable failure) {
        Throwable cause = failure instanceof ActivityFailure ? failure.getCause() : failure;
        return cause instanceof ApplicationFailure application
                && (FailureTypes.INSUFFICIENT_CAPACITY.equals(application.getType())
                || FailureTypes.UNSUPPORTED.equals(application.getType()));
    }

    /** True when a recording step refused a confirmation (wrong or someone else's EC2 id). */
    public static boolean isConfirmationConflict(Throwable failure) {
        Throwable cause = failure instanceof ActivityFailure ? failure.getCause() : failure;
        return cause instanceof ApplicationFailure application
                && FailureTypes.CONFIRMATION_CONFLICT.equals(application.getType());
    }

    /** A readable reason for a recording step that failed for good. */
    public static String recordingFailure(Throwable failure) {
        Throwable cause = failure instanceof ActivityFailure && failure.getCause() != null ? failure.getCause() : failure;
        String message = cause instanceof ApplicationFailure application ? application.getOriginalMessage() : cause.getMessage();
        return "could not be recorded: " + (message == null ? cause.getClass().getSimpleName() : message);
    }

    public static void upsertState(String status) {
        Workflow.upsertTypedSearchAttributes(SearchAttributes.INSTANCE_STATE.valueSet(status));
    }
}
