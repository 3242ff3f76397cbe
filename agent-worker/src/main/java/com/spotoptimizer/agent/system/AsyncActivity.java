package com.spotoptimizer.agent.system;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An activity that returned without completing ({@code doNotCompleteOnReturn}) and is finished later
 * by its task token. Its worker slot is free meanwhile, so a thousand launches in flight hold no
 * threads. It heartbeats on the activity's behalf (a third of the heartbeat timeout apart), which is
 * also how it learns that the workflow cancelled it or that the attempt is gone.
 */
public final class AsyncActivity {

    private static final Logger log = LoggerFactory.getLogger(AsyncActivity.class);
    /** Without a heartbeat timeout, still heartbeat now and then: it is how a cancellation arrives. */
    private static final Duration DEFAULT_HEARTBEAT_EVERY = Duration.ofSeconds(10);
    /** Handed back to Temporal on shutdown; retryable, so the next attempt runs on a live agent. */
    public static final String AGENT_SHUTDOWN = "AgentShutdown";

    private final ActivityCompletionClient completions;
    private final byte[] taskToken;
    private final String workflowId;
    private final String activityType;
    private final int attempt;
    private final Duration heartbeatEvery;
    private volatile Instant lastHeartbeat;

    private AsyncActivity(ActivityCompletionClient completions, ActivityInfo info, Instant now) {
        this.completions = completions;
        this.taskToken = info.getTaskToken();
        this.workflowId = info.getWorkflowId();
        this.activityType = info.getActivityType();
        this.attempt = info.getAttempt();
        Duration timeout = info.getHeartbeatTimeout();
        this.heartbeatEvery = timeout == null || timeout.isZero() ? DEFAULT_HEARTBEAT_EVERY : timeout.dividedBy(3);
        this.lastHeartbeat = now;
    }

    /** The running activity, to be completed later; call {@link #detach(ActivityExecutionContext)} once handed over. */
    public static AsyncActivity of(ActivityExecutionContext context, ActivityCompletionClient completions, Instant now) {
        return new AsyncActivity(completions, context.getInfo(), now);
    }

    /** The activity method returns without completing the activity: this object now owns its completion. */
    public static void detach(ActivityExecutionContext context) {
        context.doNotCompleteOnReturn();
    }

    public String workflowId() {
        return workflowId;
    }

    public int attempt() {
        return attempt;
    }

    /**
     * Heartbeats if one is due. False when the activity is no longer wanted: cancelled (reported back as
     * cancelled), timed out, or completed by another attempt.
     */
    public boolean keepAlive(Instant now, Object details) {
        if (now.isBefore(lastHeartbeat.plus(heartbeatEvery))) {
            return true;
        }
        try {
            completions.heartbeat(taskToken, details);
            lastHeartbeat = now;
            return true;
        } catch (ActivityCanceledException e) {
            log.info("Activity cancelled, stopped watching workflow_id={} activity={}", workflowId, activityType);
            quietly(() -> completions.reportCancellation(taskToken, null));
            return false;
        } catch (ActivityNotExistsException e) {
            log.info("Activity attempt gone, stopped watching workflow_id={} activity={} attempt={}",
                    workflowId, activityType, attempt);
            return false;
        } catch (ActivityCompletionException e) {
            log.info("Activity not wanted any more, stopped watching workflow_id={} activity={} reason={}",
                    workflowId, activityType, e.getClass().getSimpleName());
            return false;
        } catch (RuntimeException e) {
            // Temporal unreachable for a moment: try again next poll; the heartbeat timeout is the backstop.
            log.warn("Heartbeat failed workflow_id={} activity={} error={}", workflowId, activityType, e.toString());
            return true;
        }
    }

    public void complete() {
        quietly(() -> completions.complete(taskToken, null));
    }

    public void fail(Exception failure) {
        quietly(() -> completions.completeExceptionally(taskToken, failure));
    }

    /** Shutdown: a retryable failure, so Temporal retries at once (on this queue's live agent) instead of after a heartbeat timeout. */
    public void handBack(String reason) {
        fail(ApplicationFailure.newFailure(reason, AGENT_SHUTDOWN));
    }

    /** Completion of an attempt that is gone (timed out, retried, cancelled) is refused by Temporal: nothing to do. */
    private void quietly(Runnable completion) {
        try {
            completion.run();
        } catch (ActivityNotExistsException e) {
            log.info("Activity attempt already gone workflow_id={} activity={} attempt={}", workflowId, activityType,
                    attempt);
        } catch (ActivityCompletionException e) {
            log.info("Activity completion refused workflow_id={} activity={} reason={}", workflowId, activityType,
                    e.getClass().getSimpleName());
        }
    }
}
