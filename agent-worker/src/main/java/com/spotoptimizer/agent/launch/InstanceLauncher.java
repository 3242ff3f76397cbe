package com.spotoptimizer.agent.launch;

import com.spotoptimizer.agent.ec2.Ec2Errors;
import com.spotoptimizer.agent.ec2.InstanceWatcher;
import com.spotoptimizer.agent.pacing.Ec2Pacer;
import com.spotoptimizer.agent.pacing.PacedCall.Result;
import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.AsyncActivity;
import com.spotoptimizer.agent.system.Confirmations;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.system.FailureTypes;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.failure.ApplicationFailure;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceInterruptionBehavior;
import software.amazon.awssdk.services.ec2.model.InstanceMarketOptionsRequest;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.SpotMarketOptions;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The launch phase: RunInstances with the command's ClientToken, so that every attempt of this activity
 * (a retry after a throttle, after a lost answer, after the agent died) gets the same instance back rather
 * than a second one. Then the instance is handed to the watcher and the activity returns without
 * completing; the watcher confirms and completes it when EC2 reports {@code running}.
 */
public final class InstanceLauncher {

    private static final Logger log = LoggerFactory.getLogger(InstanceLauncher.class);

    private final Ec2Client ec2;
    private final InstanceWatcher watcher;
    private final Confirmations confirmations;
    private final ActivityCompletionClient completions;
    private final AgentProperties.Ec2 defaults;
    /** Null: pacing off, RunInstances is called at once on the activity's thread. */
    private final Ec2Pacer pacer;

    public InstanceLauncher(Ec2Client ec2, InstanceWatcher watcher, Confirmations confirmations,
                            ActivityCompletionClient completions, AgentProperties.Ec2 defaults, Ec2Pacer pacer) {
        this.ec2 = ec2;
        this.watcher = watcher;
        this.confirmations = confirmations;
        this.completions = completions;
        this.defaults = defaults;
        this.pacer = pacer;
    }

    /**
     * Paced: the launch waits for its RunInstances turn without holding the worker thread (the activity is completed
     * later by its task token), heartbeating and telling the workflow why it waits. Unpaced: RunInstances now.
     */
    public void launch(ActivityExecutionContext context, LaunchCommand command) {
        if (pacer == null) {
            confirmations.launchCallMade(command.workflowId(), command.instanceId(), command.attempt());
            launchNow(context, command);
            return;
        }
        AsyncActivity activity = AsyncActivity.of(context, completions, confirmations.clock().instant());
        LaunchTurn turn = new LaunchTurn(this, command, activity, confirmations);
        // Tell the workflow at once when the launch will wait, so its queue wait (not the 5 minutes) applies from now,
        // however long the pacer's first status round takes to reach this launch.
        pacer.wouldWait(turn).ifPresent(turn::reportQueued);
        try {
            pacer.submit(turn);
        } catch (IllegalStateException closed) {
            throw ApplicationFailure.newFailure("agent is shutting down", AsyncActivity.AGENT_SHUTDOWN);
        }
        log.debug("Launch queued for its RunInstances turn instance_id={} priority={}", command.instanceId(),
                command.priority());
        AsyncActivity.detach(context);
    }

    /** The launch's turn came: RunInstances, then the watcher takes it. A throttle goes back to the pacer. */
    Result runPaced(LaunchCommand command, AsyncActivity activity) {
        Instance instance;
        try {
            instance = ec2.runInstances(request(command)).instances().get(0);
        } catch (SdkException e) {
            if (Ec2Errors.isThrottling(e)) {
                return Result.THROTTLED;
            }
            log.warn("RunInstances failed instance_id={} request_id={} workflow_id={} attempt={} code={}",
                    command.instanceId(), command.requestId(), command.workflowId(), activity.attempt(),
                    Ec2Errors.code(e));
            activity.fail(Ec2Errors.toActivityFailure("RunInstances", e));
            return Result.DONE;
        }
        String ec2Id = instance.instanceId();
        InstanceStateName state = instance.state() == null ? InstanceStateName.PENDING : instance.state().name();
        log.info("RunInstances answered instance_id={} request_id={} ec2_instance_id={} state={} attempt={}",
                command.instanceId(), command.requestId(), ec2Id, state, activity.attempt());
        if (state == InstanceStateName.RUNNING) {
            confirmations.launched(command.workflowId(), command.instanceId(), ec2Id);
            activity.complete();
        } else if (LaunchWatch.isGone(state)) {
            activity.fail(ApplicationFailure.newNonRetryableFailure("instance " + ec2Id + " is " + state
                    + " before it ever ran", FailureTypes.INSTANCE_GONE));
        } else if (!watcher.watch(new LaunchWatch(command, ec2Id, activity, confirmations))) {
            activity.handBack("agent is shutting down");
        }
        return Result.DONE;
    }

    private void launchNow(ActivityExecutionContext context, LaunchCommand command) {
        int attempt = context.getInfo().getAttempt();
        Instance instance;
        try {
            instance = ec2.runInstances(request(command)).instances().get(0);
        } catch (SdkException e) {
            log.warn("RunInstances failed instance_id={} request_id={} workflow_id={} attempt={} code={}",
                    command.instanceId(), command.requestId(), command.workflowId(), attempt, Ec2Errors.code(e));
            throw Ec2Errors.toActivityFailure("RunInstances", e);
        }
        String ec2Id = instance.instanceId();
        InstanceStateName state = instance.state() == null ? InstanceStateName.PENDING : instance.state().name();
        log.info("RunInstances answered instance_id={} request_id={} ec2_instance_id={} state={} attempt={}",
                command.instanceId(), command.requestId(), ec2Id, state, attempt);
        if (state == InstanceStateName.RUNNING) {
            // A repeat of an earlier launch that is already up (e.g. this is a retry): confirm right away.
            confirmations.launched(command.workflowId(), command.instanceId(), ec2Id);
            return;
        }
        if (LaunchWatch.isGone(state)) {
            throw ApplicationFailure.newNonRetryableFailure("instance " + ec2Id + " is " + state
                    + " before it ever ran", FailureTypes.INSTANCE_GONE);
        }
        AsyncActivity activity = AsyncActivity.of(context, completions, confirmations.clock().instant());
        if (!watcher.watch(new LaunchWatch(command, ec2Id, activity, confirmations))) {
            throw ApplicationFailure.newFailure("agent is shutting down", AsyncActivity.AGENT_SHUTDOWN);
        }
        AsyncActivity.detach(context);
    }

    RunInstancesRequest request(LaunchCommand command) {
        LaunchSpec spec = command.spec() == null ? LaunchSpec.empty() : command.spec();
        String subnet = spec.subnetId() != null && !spec.subnetId().isBlank() ? spec.subnetId()
                : defaults.defaultSubnetId();
        RunInstancesRequest.Builder request = RunInstancesRequest.builder()
                .imageId(spec.imageId() != null && !spec.imageId().isBlank() ? spec.imageId()
                        : defaults.defaultImageId())
                .instanceType(command.instanceType())
                .minCount(1)
                .maxCount(1)
                .clientToken(command.clientToken())
                .subnetId(subnet)
                .tagSpecifications(TagSpecification.builder()
                        .resourceType(ResourceType.INSTANCE).tags(tags(command.tags())).build());
        if (!"on-demand".equalsIgnoreCase(spec.market())) {
            request.instanceMarketOptions(InstanceMarketOptionsRequest.builder()
                    .marketType(MarketType.SPOT)
                    .spotOptions(SpotMarketOptions.builder()
                            .spotInstanceType(SpotInstanceType.ONE_TIME)
                            .instanceInterruptionBehavior(InstanceInterruptionBehavior.TERMINATE)
                            .build())
                    .build());
        }
        return request.build();
    }

    /**
     * Sorted by key: every attempt must send exactly the same parameters, or EC2 answers a repeated
     * ClientToken with IdempotentParameterMismatch.
     */
    static List<Tag> tags(Map<String, String> tags) {
        return (tags == null ? Map.<String, String>of() : tags).entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }
}
