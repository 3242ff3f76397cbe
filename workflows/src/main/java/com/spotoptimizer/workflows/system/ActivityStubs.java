package com.spotoptimizer.workflows.system;

import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Activity options of the lifecycle workflows, in one place. StartToClose is always set. */
public final class ActivityStubs {

    /**
     * Lifecycle writes are one short transaction; retry until the database is back. StartToClose is also how
     * long an attempt taken by a replica that then died blocks its workflow: 10 s, not 30.
     */
    private static final ActivityOptions LIFECYCLE = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(200))
                    .setMaximumInterval(Duration.ofSeconds(10))
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

    public static AgentActivities agentLaunch(String taskQueue, Duration confirmationTimeout) {
        return agent(taskQueue, confirmationTimeout);
    }

    public static AgentActivities agentTerminate(String taskQueue, Duration confirmationTimeout) {
        return agent(taskQueue, confirmationTimeout);
    }

    /**
     * Bounded by the confirmation timeout as a whole (ScheduleToClose), so an agent that comes back
     * after the launch was given up never starts it.
     */
    private static AgentActivities agent(String taskQueue, Duration confirmationTimeout) {
        return Workflow.newActivityStub(AgentActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setScheduleToCloseTimeout(confirmationTimeout)
                .setStartToCloseTimeout(confirmationTimeout)
                .setHeartbeatTimeout(AGENT_HEARTBEAT)
                .setCancellationType(ActivityCancellationType.TRY_CANCEL)
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

    public static void upsertState(String status) {
        Workflow.upsertTypedSearchAttributes(SearchAttributes.INSTANCE_STATE.valueSet(status));
    }
}
