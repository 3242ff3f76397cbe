package com.spotoptimizer.agent.terminate;

import com.spotoptimizer.agent.ec2.Watch;
import com.spotoptimizer.agent.system.AsyncActivity;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * A termination whose launch never confirmed and whose instance EC2 does not show (yet). The watcher's
 * poll searches for its ClientToken and stable id together with every other search; once something turns
 * up it is terminated and watched as usual. Only when nothing has turned up by the end of the consistency
 * window is "nothing was launched" confirmed: an empty DescribeInstances right after RunInstances proves
 * nothing, and concluding early would leak the instance.
 */
final class TerminationSearch implements Watch {

    private static final Logger log = LoggerFactory.getLogger(TerminationSearch.class);

    private final InstanceTerminator terminator;
    private final TerminateCommand command;
    private final AsyncActivity activity;
    private final Instant giveUpAt;

    TerminationSearch(InstanceTerminator terminator, TerminateCommand command, AsyncActivity activity,
                      Instant giveUpAt) {
        this.terminator = terminator;
        this.command = command;
        this.activity = activity;
        this.giveUpAt = giveUpAt;
    }

    @Override
    public String operation() {
        return Ec2Metrics.TERMINATE;
    }

    @Override
    public Collection<String> ec2InstanceIds() {
        return List.of();
    }

    @Override
    public Collection<String> clientTokens() {
        return command.clientToken() == null ? List.of() : List.of(command.clientToken());
    }

    @Override
    public Collection<String> stableIds() {
        return List.of(command.instanceId());
    }

    @Override
    public boolean observe(Map<String, Instance> seen, Instant now) {
        List<Instance> found = terminator.matching(command, seen.values());
        if (!found.isEmpty()) {
            log.info("Search found instances instance_id={} ec2_instance_ids={}", command.instanceId(),
                    found.stream().map(Instance::instanceId).toList());
            return terminator.settleFound(command, found, activity);
        }
        if (now.isBefore(giveUpAt)) {
            return false;
        }
        terminator.confirmNothingLaunched(command);
        activity.complete();
        return true;
    }

    @Override
    public boolean keepAlive(Instant now) {
        return activity.keepAlive(now, null);
    }

    @Override
    public void handBack(String reason) {
        log.info("Termination search handed back instance_id={} workflow_id={} reason={}", command.instanceId(),
                command.workflowId(), reason);
        activity.handBack(reason);
    }
}
