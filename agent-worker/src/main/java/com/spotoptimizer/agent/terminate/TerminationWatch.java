package com.spotoptimizer.agent.terminate;

import com.spotoptimizer.agent.ec2.Watch;
import com.spotoptimizer.agent.system.AsyncActivity;
import com.spotoptimizer.agent.system.Confirmations;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * Instances on their way to {@code terminated}. EC2 shows a terminated instance for about an hour; one
 * that has vanished from DescribeInstances for a while is gone for good, which is as terminated as it gets.
 */
final class TerminationWatch implements Watch {

    private static final Logger log = LoggerFactory.getLogger(TerminationWatch.class);
    static final Duration VANISHED_AFTER = Duration.ofMinutes(1);

    private final TerminateCommand command;
    private final String primaryEc2InstanceId;
    private final List<String> ec2InstanceIds;
    private final AsyncActivity activity;
    private final Confirmations confirmations;
    private Instant missingSince;

    TerminationWatch(TerminateCommand command, String primaryEc2InstanceId, List<String> ec2InstanceIds,
                     AsyncActivity activity, Confirmations confirmations) {
        this.command = command;
        this.primaryEc2InstanceId = primaryEc2InstanceId;
        this.ec2InstanceIds = List.copyOf(ec2InstanceIds);
        this.activity = activity;
        this.confirmations = confirmations;
    }

    @Override
    public String operation() {
        return Ec2Metrics.TERMINATE;
    }

    @Override
    public Collection<String> ec2InstanceIds() {
        return ec2InstanceIds;
    }

    @Override
    public boolean observe(Map<String, Instance> seen, Instant now) {
        boolean missing = false;
        for (String id : ec2InstanceIds) {
            Instance instance = seen.get(id);
            if (instance == null) {
                missing = true;
            } else if (instance.state() == null || instance.state().name() != InstanceStateName.TERMINATED) {
                return false;
            }
        }
        if (missing) {
            missingSince = missingSince == null ? now : missingSince;
            if (now.isBefore(missingSince.plus(VANISHED_AFTER))) {
                return false;
            }
            log.info("Terminating instance vanished from EC2, taken as terminated instance_id={} ec2_instance_ids={}",
                    command.instanceId(), ec2InstanceIds);
        }
        confirmations.terminated(command.workflowId(), command.instanceId(), primaryEc2InstanceId);
        activity.complete();
        return true;
    }

    @Override
    public boolean keepAlive(Instant now) {
        return activity.keepAlive(now, primaryEc2InstanceId);
    }

    @Override
    public void handBack(String reason) {
        log.info("Termination handed back instance_id={} ec2_instance_ids={} workflow_id={} reason={}",
                command.instanceId(), ec2InstanceIds, command.workflowId(), reason);
        activity.handBack(reason);
    }
}
