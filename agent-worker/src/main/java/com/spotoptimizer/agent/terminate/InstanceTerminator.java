package com.spotoptimizer.agent.terminate;

import com.spotoptimizer.agent.ec2.Ec2Errors;
import com.spotoptimizer.agent.ec2.InstanceQueries;
import com.spotoptimizer.agent.ec2.InstanceWatcher;
import com.spotoptimizer.agent.ec2.OwnTerminations;
import com.spotoptimizer.agent.ec2.Ownership;
import com.spotoptimizer.agent.pacing.Ec2Pacer;
import com.spotoptimizer.agent.pacing.PacedCall.Result;
import com.spotoptimizer.agent.system.AsyncActivity;
import com.spotoptimizer.agent.system.Confirmations;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
 * launch's ClientToken and by its stable-id tag. An empty answer proves nothing right after a RunInstances
 * (DescribeInstances is eventually consistent), so the search goes on, in the watcher's batched poll and
 * without holding a worker thread, until the consistency window has passed; only then is "nothing was
 * launched" confirmed. Repeating any of it is harmless: terminating a terminated instance changes nothing.
 * Another agent's instance is never terminated here, whatever tag or token it shares.
 */
public final class InstanceTerminator {

    private static final Logger log = LoggerFactory.getLogger(InstanceTerminator.class);

    private final String agentId;
    private final Ec2Client ec2;
    private final InstanceQueries queries;
    private final InstanceWatcher watcher;
    private final Confirmations confirmations;
    private final ActivityCompletionClient completions;
    private final Duration consistencyWindow;
    private final OwnTerminations own;
    /** Null: pacing off, TerminateInstances is called at once. */
    private final Ec2Pacer pacer;

    public InstanceTerminator(String agentId, Ec2Client ec2, InstanceQueries queries, InstanceWatcher watcher,
                              Confirmations confirmations, ActivityCompletionClient completions,
                              Duration consistencyWindow, OwnTerminations own, Ec2Pacer pacer) {
        this.pacer = pacer;
        this.agentId = agentId;
        this.ec2 = ec2;
        this.queries = queries;
        this.watcher = watcher;
        this.confirmations = confirmations;
        this.completions = completions;
        this.consistencyWindow = consistencyWindow;
        this.own = own;
    }

    public void terminate(ActivityExecutionContext context, TerminateCommand command) {
        if (pacer == null) {
            // Unpaced, the agent's EC2 work for this termination starts now (a lookup, then TerminateInstances).
            confirmations.terminationCallMade(command.workflowId(), command.instanceId());
        }
        List<Instance> found;
        if (command.ec2InstanceId() != null && !command.ec2InstanceId().isBlank()) {
            found = null;
        } else {
            found = lookUp(command);
            if (found.isEmpty()) {
                search(context, command);
                return;
            }
        }
        List<String> targets = found == null ? List.of(command.ec2InstanceId()) : live(found);
        String primary = found == null ? command.ec2InstanceId() : found.get(0).instanceId();
        if (targets.isEmpty()) {
            log.info("Instances found already terminated instance_id={} ec2_instance_id={} workflow_id={}",
                    command.instanceId(), primary, command.workflowId());
            confirmations.terminated(command.workflowId(), command.instanceId(), primary);
            return;
        }
        if (pacer != null) {
            AsyncActivity paced = AsyncActivity.of(context, completions, confirmations.clock().instant());
            TerminateTurn turn = new TerminateTurn(this, command, primary, targets, paced, confirmations);
            // Tell the workflow at once when the termination will wait, so its queue wait applies from now.
            pacer.wouldWait(turn).ifPresent(turn::reportQueued);
            try {
                pacer.submit(turn);
            } catch (IllegalStateException closed) {
                throw ApplicationFailure.newFailure("agent is shutting down", AsyncActivity.AGENT_SHUTDOWN);
            }
            AsyncActivity.detach(context);
            return;
        }
        List<String> live;
        try {
            live = terminateInstances(command, targets);
        } catch (SdkException e) {
            throw Ec2Errors.toActivityFailure("TerminateInstances", e);
        }
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

    /** The termination's turn came: TerminateInstances, then the watcher takes it. A throttle goes back to the pacer. */
    Result terminatePaced(TerminateCommand command, String primary, List<String> targets, AsyncActivity activity) {
        List<String> live;
        try {
            live = terminateInstances(command, targets);
        } catch (SdkException e) {
            if (Ec2Errors.isThrottling(e)) {
                return Result.THROTTLED;
            }
            activity.fail(Ec2Errors.toActivityFailure("TerminateInstances", e));
            return Result.DONE;
        }
        if (live.isEmpty()) {
            confirmations.terminated(command.workflowId(), command.instanceId(), primary);
            activity.complete();
        } else if (!watcher.watch(new TerminationWatch(command, primary, live, activity, confirmations))) {
            activity.handBack("agent is shutting down");
        }
        return Result.DONE;
    }

    Instant now() {
        return confirmations.clock().instant();
    }

    /** Nothing visible yet: the watcher keeps looking until the consistency window has passed. */
    private void search(ActivityExecutionContext context, TerminateCommand command) {
        if (pacer != null) {
            // The search terminates what it finds without waiting for a turn: its EC2 work starts now.
            confirmations.terminationCallMade(command.workflowId(), command.instanceId());
        }
        if (consistencyWindow.isZero()) {
            confirmNothingLaunched(command);
            return;
        }
        AsyncActivity activity = AsyncActivity.of(context, completions, confirmations.clock().instant());
        TerminationSearch search = new TerminationSearch(this, command, activity,
                confirmations.clock().instant().plus(consistencyWindow));
        if (!watcher.watch(search)) {
            throw ApplicationFailure.newFailure("agent is shutting down", AsyncActivity.AGENT_SHUTDOWN);
        }
        log.info("Nothing visible yet, searching instance_id={} client_token={} workflow_id={} for={}",
                command.instanceId(), command.clientToken(), command.workflowId(), consistencyWindow);
        AsyncActivity.detach(context);
    }

    void confirmNothingLaunched(TerminateCommand command) {
        log.info("Nothing to terminate instance_id={} client_token={} workflow_id={}", command.instanceId(),
                command.clientToken(), command.workflowId());
        confirmations.terminated(command.workflowId(), command.instanceId(), null);
    }

    /**
     * The search found {@code found} (never empty): terminate what still lives and hand the activity to a
     * {@link TerminationWatch}, or confirm when all of it is already terminated. False: try again next poll.
     */
    boolean settleFound(TerminateCommand command, List<Instance> found, AsyncActivity activity) {
        String primary = found.get(0).instanceId();
        List<String> targets = live(found);
        if (targets.isEmpty()) {
            confirmations.terminated(command.workflowId(), command.instanceId(), primary);
            activity.complete();
            return true;
        }
        List<String> live;
        try {
            live = terminateInstances(command, targets);
        } catch (SdkException e) {
            if (Ec2Errors.isTransient(e)) {
                return false;
            }
            activity.fail(Ec2Errors.toActivityFailure("TerminateInstances", e));
            return true;
        }
        if (live.isEmpty()) {
            confirmations.terminated(command.workflowId(), command.instanceId(), primary);
            activity.complete();
        } else if (!watcher.watch(new TerminationWatch(command, primary, live, activity, confirmations))) {
            activity.handBack("agent shut down");
        }
        return true;
    }

    /** Of the instances the search returned, those of this launch that this agent may touch. */
    List<Instance> matching(TerminateCommand command, Collection<Instance> seen) {
        List<Instance> matches = new ArrayList<>();
        for (Instance instance : seen) {
            boolean token = command.clientToken() != null && command.clientToken().equals(instance.clientToken());
            boolean stable = command.instanceId().equals(
                    Ownership.tag(instance, com.spotoptimizer.workflows.agent.OwnershipTags.INSTANCE_ID));
            if ((token || stable) && !Ownership.isOtherAgents(instance, agentId)) {
                matches.add(instance);
            }
        }
        return matches;
    }

    /** Instances of this launch by ClientToken, else by stable-id tag; another agent's are left out. */
    private List<Instance> lookUp(TerminateCommand command) {
        try {
            List<Instance> found = command.clientToken() == null ? List.of()
                    : matching(command, queries.byClientToken(command.clientToken()));
            if (found.isEmpty()) {
                found = matching(command, queries.byStableId(command.instanceId()));
            }
            log.info("Looked up instances without an EC2 id instance_id={} found={}", command.instanceId(),
                    found.stream().map(Instance::instanceId).toList());
            return found;
        } catch (SdkException e) {
            throw Ec2Errors.toActivityFailure("DescribeInstances", e);
        }
    }

    private static List<String> live(List<Instance> found) {
        Set<String> ids = new LinkedHashSet<>();
        for (Instance instance : found) {
            if (instance.state() == null || instance.state().name() != InstanceStateName.TERMINATED) {
                ids.add(instance.instanceId());
            }
        }
        return new ArrayList<>(ids);
    }

    /** The instances that are not terminated yet. An id EC2 no longer knows is long gone: done. */
    private List<String> terminateInstances(TerminateCommand command, List<String> ids) {
        own.record(ids);
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
            throw e;
        }
    }
}
