package com.spotoptimizer.agent.terminate;

import com.spotoptimizer.agent.pacing.Ec2Action;
import com.spotoptimizer.agent.pacing.PacedCall;
import com.spotoptimizer.agent.pacing.QueueReasonReport;
import com.spotoptimizer.agent.pacing.QueueStatus;
import com.spotoptimizer.agent.system.AsyncActivity;
import com.spotoptimizer.agent.system.Confirmations;
import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A termination waiting for its TerminateInstances turn (one resource token per instance). It heartbeats while it
 * waits and tells the workflow why (only when the coarse reason changes); when its turn comes it tells the workflow
 * the call is made (the confirmation deadline runs from there). A critical termination goes ahead of every
 * lower-priority call queued before it.
 */
final class TerminateTurn implements PacedCall {

    private static final Logger log = LoggerFactory.getLogger(TerminateTurn.class);

    private final InstanceTerminator terminator;
    private final TerminateCommand command;
    private final String primary;
    private final List<String> targets;
    private final AsyncActivity activity;
    private final Confirmations confirmations;
    private final QueueReasonReport queueReason;

    TerminateTurn(InstanceTerminator terminator, TerminateCommand command, String primary, List<String> targets,
                  AsyncActivity activity, Confirmations confirmations) {
        this.confirmations = confirmations;
        this.queueReason = new QueueReasonReport(reason ->
                confirmations.terminationQueued(command.workflowId(), command.instanceId(), reason));
        this.terminator = terminator;
        this.command = command;
        this.primary = primary;
        this.targets = List.copyOf(targets);
        this.activity = activity;
    }

    @Override
    public Ec2Action action() {
        return Ec2Action.TERMINATE_INSTANCES;
    }

    @Override
    public int priority() {
        return CommandPriority.orCritical(command.priority());
    }

    @Override
    public String key() {
        return "terminate/" + command.workflowId() + "/" + command.commandId();
    }

    @Override
    public int cost() {
        return targets.size();
    }

    @Override
    public boolean waiting(QueueStatus status) {
        if (!activity.keepAlive(terminator.now(), status.reason())) {
            return false;
        }
        reportQueued(status);
        return true;
    }

    /** Tells the workflow why the termination waits, when the (coarse) reason changed. */
    void reportQueued(QueueStatus status) {
        queueReason.report(status);
    }

    @Override
    public Result call() {
        confirmations.terminationCallMade(command.workflowId(), command.instanceId());
        return terminator.terminatePaced(command, primary, targets, activity);
    }

    @Override
    public void expired(String reason) {
        log.warn("Termination got no TerminateInstances turn instance_id={} workflow_id={} reason={}",
                command.instanceId(), command.workflowId(), reason);
        activity.fail(ApplicationFailure.newFailure(reason, "NoEc2Turn"));
    }
}
