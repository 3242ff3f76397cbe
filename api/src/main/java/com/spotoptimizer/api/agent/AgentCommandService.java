package com.spotoptimizer.api.agent;

import com.spotoptimizer.api.lifecycle.LifecycleWorkflows;
import com.spotoptimizer.api.system.LifecycleProperties;
import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.db.command.CommandRepository;
import com.spotoptimizer.db.command.CommandResults;
import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.command.CommandType;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.instance.InstanceStatus;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The seed's HTTP agent protocol. Confirmations become the workflow's signal (the workflow records
 * the transition); the answer is the row once the workflow has recorded it.
 */
@Service
public class AgentCommandService {

    private static final int MAX_COMMANDS_PER_POLL = 50;
    private static final Duration SETTLE_POLL = Duration.ofMillis(50);

    private final CommandRepository commands;
    private final CommandResults results;
    private final InstanceRepository instances;
    private final LifecycleWorkflows workflows;
    private final LifecycleProperties lifecycle;
    private final Clock clock;

    public AgentCommandService(CommandRepository commands, CommandResults results, InstanceRepository instances,
                               LifecycleWorkflows workflows, LifecycleProperties lifecycle, Clock clock) {
        this.commands = commands;
        this.results = results;
        this.instances = instances;
        this.workflows = workflows;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    public Flux<PendingCommand> pending(String agentId) {
        return commands.lease(agentId, clock.instant(), lifecycle.commandLease(), MAX_COMMANDS_PER_POLL)
                .map(PendingCommand::of);
    }

    public Mono<LaunchConfirmedResponse> confirmLaunched(String agentId, LaunchConfirmedRequest request) {
        return own(agentId, request.instanceId()).flatMap(row -> {
            if (row.ec2InstanceId() != null && !row.ec2InstanceId().equals(request.ec2InstanceId())) {
                throw Problems.conflict("ec2-id-mismatch", "EC2 id mismatch", "instance " + row.instanceId()
                        + " was confirmed as " + row.ec2InstanceId() + ", not " + request.ec2InstanceId());
            }
            if (row.ec2InstanceId() != null) {
                return Mono.just(row); // A repeat: already recorded.
            }
            LaunchConfirmation confirmation = new LaunchConfirmation(row.instanceId().toString(), agentId, request.ec2InstanceId(),
                    clock.instant());
            return workflows.confirmLaunched(row.clientId(), row.requestId(), confirmation).flatMap(delivered -> {
                if (!delivered) {
                    throw Problems.conflict("launch-closed", "Launch closed", "the launch of " + row.instanceId()
                            + " has closed as " + row.status().value()
                            + "; an instance that still runs is terminated by the orphan sweep");
                }
                return settled(row, r -> r.ec2InstanceId() != null);
            });
        }).map(row -> new LaunchConfirmedResponse(row.instanceId().toString(), row.ec2InstanceId(), row.status().value(),
                row.launchDurationSeconds()));
    }

    public Mono<TerminationConfirmedResponse> confirmTerminated(String agentId, TerminationConfirmedRequest request) {
        return own(agentId, request.instanceId()).flatMap(row -> {
            if (row.status() == InstanceStatus.TERMINATED) {
                return Mono.just(row);
            }
            if (row.status() != InstanceStatus.TERMINATING) {
                throw Problems.conflict("not-terminating", "Not terminating",
                        "instance " + row.instanceId() + " is " + row.status().value() + ", no termination is in progress");
            }
            TerminationConfirmation confirmation = new TerminationConfirmation(row.instanceId().toString(), agentId,
                    request.ec2InstanceId(), clock.instant());
            return workflows.confirmTerminated(confirmation)
                    .flatMap(delivered -> settled(row, r -> r.status() != InstanceStatus.TERMINATING));
        }).map(row -> new TerminationConfirmedResponse(row.instanceId().toString(), row.ec2InstanceId(),
                row.status().value(), row.terminationDurationSeconds()));
    }

    /**
     * Closes the command with COMMAND_EXECUTED. A failed launch or termination also tells its workflow,
     * which records the failure with the agent's message as the reason (instead of waiting for the timeout).
     */
    public Mono<Boolean> recordResult(String agentId, String commandId, CommandResultRequest request) {
        return commands.findForAgent(agentId, commandId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("command " + commandId)))
                .flatMap(command -> results.record(command, request.success(), request.message())
                        .flatMap(recorded -> !recorded || request.success() || command.instanceId() == null
                                ? Mono.just(recorded)
                                : reportRefusal(command, request.message()).thenReturn(recorded)));
    }

    private Mono<Boolean> reportRefusal(CommandRow command, String message) {
        Outcome outcome = new Outcome(command.instanceId().toString(),
                message == null || message.isBlank() ? "refused by the agent" : message);
        if (CommandType.LAUNCH_INSTANCE.name().equals(command.commandType())) {
            return instances.findById(command.instanceId())
                    .flatMap(row -> workflows.reportLaunchRefused(row.clientId(), row.requestId(), outcome));
        }
        if (CommandType.TERMINATE_INSTANCE.name().equals(command.commandType())) {
            return workflows.reportTerminationRefused(outcome);
        }
        return Mono.just(false);
    }

    private Mono<InstanceRow> own(String agentId, String anyId) {
        return instances.findForAgent(agentId, anyId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("instance " + anyId)));
    }

    /** The row once the workflow has recorded the confirmation, or as it is when the wait runs out. */
    private Mono<InstanceRow> settled(InstanceRow before, Predicate<InstanceRow> done) {
        long attempts = Math.max(1, lifecycle.confirmationWait().toMillis() / SETTLE_POLL.toMillis());
        return instances.findById(before.instanceId())
                .filter(done)
                .repeatWhenEmpty(repeats -> repeats.take(attempts).delayElements(SETTLE_POLL))
                .switchIfEmpty(instances.findById(before.instanceId()));
    }
}
