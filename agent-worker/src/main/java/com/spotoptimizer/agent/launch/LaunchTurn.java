package com.spotoptimizer.agent.launch;

import com.spotoptimizer.agent.pacing.Ec2Action;
import com.spotoptimizer.agent.pacing.PacedCall;
import com.spotoptimizer.agent.pacing.QueueReasonReport;
import com.spotoptimizer.agent.pacing.QueueStatus;
import com.spotoptimizer.agent.system.AsyncActivity;
import com.spotoptimizer.agent.system.Confirmations;
import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A launch waiting for its RunInstances turn. While it waits it heartbeats and tells the workflow why (only when
 * the coarse reason changes); when its turn comes it tells the workflow the call is made (the confirmation deadline
 * runs from there) and calls. A launch that never gets a turn is handed back as a retryable failure: the workflow's
 * own queue wait decides the outcome.
 */
final class LaunchTurn implements PacedCall {

    private static final Logger log = LoggerFactory.getLogger(LaunchTurn.class);
    static final String NO_TURN = "NoEc2Turn";

    private final InstanceLauncher launcher;
    private final LaunchCommand command;
    private final AsyncActivity activity;
    private final Confirmations confirmations;
    private final QueueReasonReport queueReason;

    LaunchTurn(InstanceLauncher launcher, LaunchCommand command, AsyncActivity activity, Confirmations confirmations) {
        this.launcher = launcher;
        this.command = command;
        this.activity = activity;
        this.confirmations = confirmations;
        this.queueReason = new QueueReasonReport(reason ->
                confirmations.launchQueued(command.workflowId(), command.instanceId(), command.attempt(), reason));
    }

    @Override
    public Ec2Action action() {
        return Ec2Action.RUN_INSTANCES;
    }

    @Override
    public int priority() {
        return CommandPriority.orCritical(command.priority());
    }

    /** The launch attempt: a retried activity attempt of it replaces this one in the queue. */
    @Override
    public String key() {
        return "launch/" + command.workflowId() + "/" + command.clientToken();
    }

    @Override
    public int cost() {
        return 1;
    }

    @Override
    public boolean waiting(QueueStatus status) {
        String reason = status.reason();
        if (!activity.keepAlive(confirmations.clock().instant(), reason)) {
            log.info("Queued launch no longer wanted instance_id={} workflow_id={}", command.instanceId(),
                    command.workflowId());
            return false;
        }
        reportQueued(status);
        return true;
    }

    /** Tells the workflow why the launch waits, when the (coarse) reason changed. */
    void reportQueued(QueueStatus status) {
        queueReason.report(status);
    }

    @Override
    public Result call() {
        confirmations.launchCallMade(command.workflowId(), command.instanceId(), command.attempt());
        return launcher.runPaced(command, activity);
    }

    @Override
    public void expired(String reason) {
        log.warn("Launch got no RunInstances turn instance_id={} workflow_id={} reason={}", command.instanceId(),
                command.workflowId(), reason);
        activity.fail(ApplicationFailure.newFailure(reason, NO_TURN));
    }
}
