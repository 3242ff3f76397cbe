package com.spotoptimizer.agent.terminate;

import com.spotoptimizer.agent.ec2.Ec2Errors;
import com.spotoptimizer.agent.ec2.InstanceQueries;
import com.spotoptimizer.agent.ec2.InstanceWatcher;
import com.spotoptimizer.agent.system.AsyncActivity;
import com.spotoptimizer.agent.system.Confirmations;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateChange;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * The termination phase: TerminateInstances, then the watcher confirms when EC2 reports
 * {@code terminated}. Without an EC2 id (the launch never confirmed) the instance is looked up by the
 * launch's ClientToken, then by its ownership tag; finding nothing confirms at once: there is nothing to
 * terminate. Repeating any of it is harmless: terminating a terminated instance changes nothing.
 */
public final class InstanceTerminator {

    private static final Logger log = LoggerFactory.getLogger(InstanceTerminator.class);

    private final Ec2Client ec2;
    private final InstanceQueries queries;
    private final InstanceWatcher watcher;
    private final Confirmations confirmations;
    private final ActivityCompletionClient completions;

    public InstanceTerminator(Ec2Client ec2, InstanceQueries queries, InstanceWatcher watcher,
                              Confirmations confirmations, ActivityCompletionClient completions) {
        this.ec2 = ec2;
        this.queries = queries;
        this.watcher = watcher;
        this.confirmations = confirmations;
        this.completions = completions;
    }

    public void terminate(ActivityExecutionContext context, TerminateCommand command) {
        List<String> targets = targets(command);
        if (targets.isEmpty()) {
            log.info("Nothing to terminate instance_id={} client_token={} workflow_id={}", command.instanceId(),
                    command.clientToken(), command.workflowId());
            confirmations.terminated(command.workflowId(), command.instanceId(), null);
            return;
        }
        List<String> live = terminateInstances(command, targets);
        String primary = targets.get(0);
        if (live.isEmpty()) {
            confirmations.terminated(command.workflowId(), command.instanceId(), primary);
            return;
        }
        AsyncActivity activity = AsyncActivity.of(context, completions, confirmations.clock().instant());
        if (!watcher.watch(new TerminationWatch(command, primary, live, activity, confirmations))) {
            throw ApplicationFailure.newFailure("agent is shutting down", AsyncActivity.AGENT_SHUTDOWN);
        }
        AsyncActivity.detach(context);
    }

    /** The EC2 id from the command, else every not-yet-terminated instance of this launch. */
    private List<String> targets(TerminateCommand command) {
        if (command.ec2InstanceId() != null && !command.ec2InstanceId().isBlank()) {
            return List.of(command.ec2InstanceId());
        }
        try {
            List<Instance> found = command.clientToken() == null ? List.of() : queries.byClientToken(command.clientToken());
            if (found.isEmpty()) {
                found = queries.byStableId(command.instanceId());
            }
            Set<String> ids = new LinkedHashSet<>();
            for (Instance instance : found) {
                if (instance.state() == null || instance.state().name() != InstanceStateName.TERMINATED) {
                    ids.add(instance.instanceId());
                }
            }
            log.info("Looked up instances without an EC2 id instance_id={} found={} live={}", command.instanceId(),
                    found.size(), ids);
            return new ArrayList<>(ids);
        } catch (SdkException e) {
            throw Ec2Errors.toActivityFailure("DescribeInstances", e);
        }
    }

    /** The instances that are not terminated yet. An id EC2 no longer knows is long gone: done. */
    private List<String> terminateInstances(TerminateCommand command, List<String> ids) {
        try {
            List<String> live = new ArrayList<>();
            for (InstanceStateChange change : ec2.terminateInstances(r -> r.instanceIds(ids)).terminatingInstances()) {
                InstanceStateName state = change.currentState() == null ? null : change.currentState().name();
                log.info("TerminateInstances answered instance_id={} ec2_instance_id={} state={}",
                        command.instanceId(), change.instanceId(), state);
                if (state != InstanceStateName.TERMINATED) {
                    live.add(change.instanceId());
                }
            }
            return live;
        } catch (SdkException e) {
            if (Ec2Errors.isNotFound(e) && ids.size() == 1) {
                log.info("Instance unknown to EC2, nothing to terminate instance_id={} ec2_instance_id={}",
                        command.instanceId(), ids.get(0));
                return List.of();
            }
            log.warn("TerminateInstances failed instance_id={} ec2_instance_ids={} code={}", command.instanceId(), ids,
                    Ec2Errors.code(e));
            throw Ec2Errors.toActivityFailure("TerminateInstances", e);
        }
    }
}
