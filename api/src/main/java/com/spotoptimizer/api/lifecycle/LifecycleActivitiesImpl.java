package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.db.instance.AttemptCommand;
import com.spotoptimizer.db.instance.ConfirmationConflictException;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.db.instance.InstanceTransitions;
import com.spotoptimizer.db.instance.NoSuchInstanceException;
import com.spotoptimizer.db.instance.TransitionNotAllowedException;
import com.spotoptimizer.db.instance.NewLaunch;
import com.spotoptimizer.db.instance.TransitionResult;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import java.util.List;
import com.spotoptimizer.db.instance.LaunchedWith;
import com.spotoptimizer.db.instance.SkippedAlternative;
import com.spotoptimizer.workflows.lifecycle.LaunchAttempt;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.system.Transport;
import io.temporal.failure.ApplicationFailure;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The lifecycle activities, on the control-plane task queue: payload in, one transition
 * ({@link InstanceTransitions}) out, metrics observed only when the transition really happened.
 * Activities run on Temporal's worker threads, so blocking on the reactive transaction is fine here.
 */
@Component("lifecycleActivities")
public class LifecycleActivitiesImpl implements LifecycleActivities {

    private static final Logger log = LoggerFactory.getLogger(LifecycleActivitiesImpl.class);
    /** Below the activity's 10 s StartToClose, so an attempt gives up before Temporal times it out. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(8);

    private final InstanceTransitions transitions;
    private final LifecycleMetrics metrics;

    public LifecycleActivitiesImpl(InstanceTransitions transitions, LifecycleMetrics metrics) {
        this.transitions = transitions;
        this.metrics = metrics;
    }

    @Override
    public InstanceSnapshot recordLaunchRequested(LaunchInstanceInput input) {
        NewLaunch launch = new NewLaunch(UUID.fromString(input.instanceId()), input.clientId(), input.agentId(),
                input.instanceType(), input.role(), input.requestId(), input.requestFingerprint(), input.metadataJson(),
                CommandMetadata.launch(input), input.requestedAt(), input.transport() == Transport.TEMPORAL,
                input.priority(), CommandMetadata.replicaOf(input));
        return write(transitions.launchRequested(launch), "launch requested");
    }

    @Override
    public InstanceSnapshot recordLaunchConfirmed(LaunchConfirmation confirmation) {
        TransitionResult result = block(transitions.launchConfirmed(id(confirmation.instanceId()),
                confirmation.ec2InstanceId(), confirmation.confirmedAt()));
        if (result.changed() && result.row().status().isRunning()) {
            metrics.launchSucceeded(result.row());
        }
        logged(result, "launch confirmed");
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordLaunchFailed(Outcome outcome) {
        TransitionResult result = block(transitions.launchFailed(id(outcome.instanceId()), outcome.reason()));
        if (result.changed()) {
            metrics.launchEnded(result.row(), LifecycleMetrics.EC2_ERROR);
        }
        logged(result, "launch failed");
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordLaunchQueued(LaunchQueued queued) {
        TransitionResult result = block(transitions.launchQueued(id(queued.instanceId()), queued.reason()));
        logged(result, "launch queued for its EC2 turn");
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordLaunchCallMade(LaunchCallMade call) {
        TransitionResult result = block(transitions.launchCallMade(id(call.instanceId()), call.madeAt()));
        logged(result, "launch EC2 call made");
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordLaunchAttempt(LaunchAttempt attempt) {
        LaunchedWith with = attempt.instanceType() == null ? null
                : new LaunchedWith(attempt.instanceType(), attempt.subnetId());
        List<SkippedAlternative> skipped = attempt.skipped().stream()
                .map(s -> new SkippedAlternative(s.instanceType(), s.subnetId(), s.reason())).toList();
        LaunchCommand command = attempt.httpCommand();
        AttemptCommand queued = command == null ? null
                : new AttemptCommand(command.priority(), row -> CommandMetadata.launchAttempt(row, command));
        TransitionResult result = block(transitions.launchAttempt(id(attempt.instanceId()), attempt.attempt(), with,
                skipped, queued));
        logged(result, "launch attempt " + attempt.attempt());
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordLaunchTimedOut(Outcome outcome) {
        TransitionResult result = block(transitions.launchTimedOut(id(outcome.instanceId()), outcome.reason()));
        if (result.changed()) {
            metrics.launchEnded(result.row(), LifecycleMetrics.TIMEOUT);
        }
        logged(result, "launch timed out");
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordTerminationRequestedWhileLaunching(TerminateInstanceInput input) {
        TransitionResult result = block(transitions.terminationRequestedWhileLaunching(id(input.instanceId()),
                input.requestId(), input.reason(), input.requestedAt()));
        if (result.changed()) {
            metrics.launchEnded(result.row(), LifecycleMetrics.CANCELLED);
        }
        logged(result, "termination requested while launching");
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordTerminationRequested(TerminateInstanceInput input) {
        return write(transitions.terminationRequested(id(input.instanceId()), input.requestId(), input.reason(),
                input.requestedAt(), row -> CommandMetadata.terminate(input, row.ec2InstanceId()),
                input.transport() == Transport.TEMPORAL, input.priority()), "termination requested");
    }

    @Override
    public InstanceSnapshot recordTerminated(TerminationConfirmation confirmation) {
        TransitionResult result = block(transitions.terminated(id(confirmation.instanceId()),
                confirmation.ec2InstanceId(), confirmation.confirmedAt()));
        if (result.changed()) {
            metrics.terminationSucceeded(result.row());
        }
        logged(result, "termination confirmed");
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordTerminationFailed(Outcome outcome) {
        TransitionResult result = block(transitions.terminationFailed(id(outcome.instanceId()), outcome.reason()));
        if (result.changed()) {
            metrics.terminationEnded(result.row(), LifecycleMetrics.EC2_ERROR);
        }
        logged(result, "termination failed");
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordTerminationTimedOut(Outcome outcome) {
        TransitionResult result = block(transitions.terminationTimedOut(id(outcome.instanceId()), outcome.reason()));
        if (result.changed()) {
            metrics.terminationEnded(result.row(), LifecycleMetrics.TIMEOUT);
        }
        logged(result, "termination timed out");
        return Snapshots.of(result.row());
    }

    private InstanceSnapshot write(Mono<TransitionResult> transition, String what) {
        TransitionResult result = block(transition);
        logged(result, what);
        return Snapshots.of(result.row());
    }

    /**
     * Runs the transition. What a retry cannot fix becomes a non-retryable failure with a stable type, so the
     * workflow stops retrying and decides (discard a conflicting confirmation, or record a failure state);
     * anything else (the database is away) is retried within the activity's bounded policy.
     */
    static TransitionResult block(Mono<TransitionResult> transition) {
        try {
            return transition.block(WRITE_TIMEOUT);
        } catch (ConfirmationConflictException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.CONFIRMATION_CONFLICT,
                    e.recordedEc2InstanceId());
        } catch (TransitionNotAllowedException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.TRANSITION_NOT_ALLOWED);
        } catch (NoSuchInstanceException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.NO_SUCH_INSTANCE);
        }
    }

    static void logged(TransitionResult result, String what) {
        if (result.changed()) {
            log.info("Recorded {} instance_id={} status={} ec2_instance_id={} version={}", what,
                    result.row().instanceId(), result.row().status().value(), result.row().ec2InstanceId(),
                    result.row().version());
        }
    }

    static UUID id(String instanceId) {
        try {
            return UUID.fromString(instanceId);
        } catch (IllegalArgumentException e) {
            throw ApplicationFailure.newNonRetryableFailure("not an instance id: " + instanceId,
                    FailureTypes.NO_SUCH_INSTANCE);
        }
    }
}
