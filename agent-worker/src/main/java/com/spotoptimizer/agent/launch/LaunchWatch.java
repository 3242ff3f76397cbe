package com.spotoptimizer.agent.launch;

import com.spotoptimizer.agent.ec2.Watch;
import com.spotoptimizer.agent.system.AsyncActivity;
import com.spotoptimizer.agent.system.Confirmations;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.system.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * A launched instance waiting for {@code running}. Not visible yet is normal right after RunInstances
 * (EC2 is eventually consistent): it waits. {@code running}: confirm, then complete the activity, in that
 * order, because the workflow reads the confirmation, not the activity's result. Gone before it ever ran
 * (a spot request reclaimed at once, a bad block device): the launch fails with the state reason.
 */
final class LaunchWatch implements Watch {

    private static final Logger log = LoggerFactory.getLogger(LaunchWatch.class);

    private final LaunchCommand command;
    private final String ec2InstanceId;
    private final AsyncActivity activity;
    private final Confirmations confirmations;

    LaunchWatch(LaunchCommand command, String ec2InstanceId, AsyncActivity activity, Confirmations confirmations) {
        this.command = command;
        this.ec2InstanceId = ec2InstanceId;
        this.activity = activity;
        this.confirmations = confirmations;
    }

    @Override
    public String operation() {
        return Ec2Metrics.LAUNCH;
    }

    @Override
    public Collection<String> ec2InstanceIds() {
        return List.of(ec2InstanceId);
    }

    @Override
    public boolean observe(Map<String, Instance> seen, Instant now) {
        Instance instance = seen.get(ec2InstanceId);
        if (instance == null || instance.state() == null) {
            return false; // not visible yet
        }
        InstanceStateName state = instance.state().name();
        if (state == InstanceStateName.RUNNING) {
            confirmations.launched(command.workflowId(), command.instanceId(), ec2InstanceId);
            activity.complete();
            return true;
        }
        if (isGone(state)) {
            String reason = instance.stateReason() == null ? "no reason given" : instance.stateReason().message();
            log.warn("Instance gone before running instance_id={} ec2_instance_id={} state={} reason={}",
                    command.instanceId(), ec2InstanceId, state, reason);
            activity.fail(ApplicationFailure.newNonRetryableFailure("instance " + ec2InstanceId + " is " + state
                    + " before it ever ran: " + reason, FailureTypes.INSTANCE_GONE));
            return true;
        }
        return false;
    }

    @Override
    public boolean keepAlive(Instant now) {
        return activity.keepAlive(now, ec2InstanceId);
    }

    @Override
    public void handBack(String reason) {
        log.info("Launch handed back instance_id={} ec2_instance_id={} workflow_id={} reason={}",
                command.instanceId(), ec2InstanceId, command.workflowId(), reason);
        activity.handBack(reason);
    }

    static boolean isGone(InstanceStateName state) {
        return state == InstanceStateName.SHUTTING_DOWN || state == InstanceStateName.TERMINATED
                || state == InstanceStateName.STOPPING || state == InstanceStateName.STOPPED;
    }
}
