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
import com.spotoptimizer.api.lifecycle.ConfirmationPendingException;
import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchRefusal;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationCallMade;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The seed's HTTP agent protocol. Confirmations become the workflow's signal (the workflow records
 * the transition); the answer is the row once the workflow has recorded it.
 */
@Service
public class AgentCommandService {

    private static final Logger log = LoggerFactory.getLogger(AgentCommandService.class);
    private static final int MAX_COMMANDS_PER_POLL = 50;

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

    /**
     * Leases the agent's next commands, highest priority first. Leasing a LAUNCH_INSTANCE or TERMINATE_INSTANCE counts
     * as the agent's EC2 call: its workflow is told, so its confirmation deadline runs from now (a failed signal never
     * fails the poll; the workflow then keeps the deadline it had).
     */
    public Flux<PendingCommand> pending(String agentId) {
        return commands.lease(agentId, clock.instant(), lifecycle.commandLease(), MAX_COMMANDS_PER_POLL)
                .concatMap(command -> callMade(agentId, command).thenReturn(PendingCommand.of(command)));
    }

    private Mono<Void> callMade(String agentId, CommandRow command) {
        if (command.instanceId() == null) {
            return Mono.empty();
        }
        Mono<Boolean> reported;
        if (CommandType.LAUNCH_INSTANCE.name().equals(command.commandType())) {
            reported = workflows.reportLaunchCallMade(command.clientId(), command.requestId(), new LaunchCallMade(
                    command.instanceId().toString(), agentId, clock.instant(), attemptOf(command)));
        } else if (CommandType.TERMINATE_INSTANCE.name().equals(command.commandType())) {
            reported = workflows.reportTerminationCallMade(new TerminationCallMade(command.instanceId().toString(),
                    agentId, clock.instant()));
        } else {
            return Mono.empty();
        }
        return reported.onErrorResume(e -> {
            log.warn("EC2 call not reported instance_id={} command_type={} request_id={} error={}",
                    command.instanceId(), command.commandType(), command.requestId(), e.toString());
            return Mono.just(false);
        }).then();
    }

    /** The launch attempt a LAUNCH_INSTANCE command is for (metadata {@code attempt}); null when it does not say. */
    private static Integer attemptOf(CommandRow command) {
        return com.spotoptimizer.db.system.JsonText.toMap(command.metadataJson()).get("attempt") instanceof Number n
                ? n.intValue() : null;
    }

    /**
     * LAUNCH_CONFIRMED, checked against the record and answered by the launch workflow: 200 only for the
     * confirmation that is (or was) recorded; one naming another request, another EC2 id than the recorded one,
     * or an EC2 id of another instance is a 409 that names the recorded values and changes nothing.
     */
    public Mono<LaunchConfirmedResponse> confirmLaunched(String agentId, LaunchConfirmedRequest request) {
        return own(agentId, request.instanceId()).flatMap(row -> {
            if (request.requestId() != null && !request.requestId().equals(row.requestId())) {
                throw ConfirmationProblems.requestMismatch(row.requestId(), request.requestId());
            }
            if (row.ec2InstanceId() != null) {
                if (!row.ec2InstanceId().equals(request.ec2InstanceId())) {
                    throw ConfirmationProblems.ec2Mismatch(row, request.ec2InstanceId());
                }
                return Mono.just(row); // A repeat of the recorded confirmation.
            }
            LaunchConfirmation confirmation = new LaunchConfirmation(row.instanceId().toString(), agentId,
                    request.ec2InstanceId(), clock.instant());
            return unclaimed(row, request.ec2InstanceId())
                    .then(workflows.submitLaunchConfirmation(row.clientId(), row.requestId(), confirmation,
                            lifecycle.confirmationWait()))
                    .flatMap(verdict -> answered(row, verdict))
                    .switchIfEmpty(Mono.defer(() -> afterClosedLaunch(row, request.ec2InstanceId())));
        }).onErrorMap(ConfirmationPendingException.class, ConfirmationProblems::pending)
                .map(row -> new LaunchConfirmedResponse(row.instanceId().toString(), row.ec2InstanceId(),
                        row.status().value(), row.launchDurationSeconds()));
    }

    /** TERMINATE_CONFIRMED, checked and answered like a launch confirmation. */
    public Mono<TerminationConfirmedResponse> confirmTerminated(String agentId, TerminationConfirmedRequest request) {
        return own(agentId, request.instanceId()).flatMap(row -> {
            String requestId = request.requestId();
            if (requestId != null && !requestId.equals(row.terminationRequestId()) && !requestId.equals(row.requestId())) {
                throw ConfirmationProblems.requestMismatch(
                        row.terminationRequestId() != null ? row.terminationRequestId() : row.requestId(), requestId);
            }
            String ec2Id = request.ec2InstanceId();
            if (ec2Id != null && row.ec2InstanceId() != null && !row.ec2InstanceId().equals(ec2Id)) {
                throw ConfirmationProblems.ec2Mismatch(row, ec2Id);
            }
            if (row.status() == InstanceStatus.TERMINATED) {
                return Mono.just(row);
            }
            if (row.status() != InstanceStatus.TERMINATING) {
                throw Problems.conflict("not-terminating", "Not terminating",
                        "instance " + row.instanceId() + " is " + row.status().value() + ", no termination is in progress");
            }
            TerminationConfirmation confirmation = new TerminationConfirmation(row.instanceId().toString(), agentId,
                    ec2Id, clock.instant());
            return unclaimed(row, ec2Id)
                    .then(workflows.submitTerminationConfirmation(confirmation, lifecycle.confirmationWait()))
                    .flatMap(verdict -> answered(row, verdict))
                    .switchIfEmpty(Mono.defer(() -> instances.findById(row.instanceId())
                            .filter(now -> now.status() == InstanceStatus.TERMINATED)
                            .switchIfEmpty(Mono.error(() -> Problems.conflict("termination-closed", "Termination closed",
                                    "no termination of " + row.instanceId() + " is waiting for a confirmation")))));
        }).onErrorMap(ConfirmationPendingException.class, ConfirmationProblems::pending)
                .map(row -> new TerminationConfirmedResponse(row.instanceId().toString(), row.ec2InstanceId(),
                        row.status().value(), row.terminationDurationSeconds()));
    }

    /** An EC2 id another instance holds can never be this one's. */
    private Mono<Void> unclaimed(InstanceRow row, String ec2InstanceId) {
        if (ec2InstanceId == null) {
            return Mono.empty();
        }
        return instances.findByEc2Id(ec2InstanceId)
                .filter(holder -> !holder.instanceId().equals(row.instanceId()))
                .flatMap(holder -> Mono.error(ConfirmationProblems.ec2Conflict(row, ec2InstanceId)));
    }

    private Mono<InstanceRow> answered(InstanceRow row, ConfirmationVerdict verdict) {
        if (!verdict.accepted()) {
            return Mono.error(ConfirmationProblems.refused(row, verdict));
        }
        return instances.findById(row.instanceId());
    }

    /** The launch workflow is gone: only a repeat of what it recorded is still answered with 200. */
    private Mono<InstanceRow> afterClosedLaunch(InstanceRow row, String ec2InstanceId) {
        return instances.findById(row.instanceId()).map(now -> {
            if (ec2InstanceId.equals(now.ec2InstanceId())) {
                return now;
            }
            throw Problems.conflict("launch-closed", "Launch closed", "the launch of " + row.instanceId()
                            + " has closed as " + now.status().value()
                            + "; an instance that still runs is terminated by the agent's orphan sweep")
                    .with("recorded_ec2_instance_id", now.ec2InstanceId());
        });
    }

    /**
     * Closes the command with COMMAND_EXECUTED. A failed launch or termination also tells its workflow,
     * which records the failure with the agent's message as the reason (instead of waiting for the timeout).
     */
    public Mono<Boolean> recordResult(String agentId, String commandId, CommandResultRequest request) {
        return commands.findForAgent(agentId, commandId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("command " + commandId)))
                // A move the control plane runs is closed by its workflow with the move's outcome: an agent's
                // report on it is acknowledged and changes nothing.
                .filter(command -> !com.spotoptimizer.api.command.CommandService.CONTROL_PLANE.equals(
                        com.spotoptimizer.db.system.JsonText.toMap(command.metadataJson())
                                .get(com.spotoptimizer.api.command.CommandService.RUN_BY)))
                .flatMap(command -> results.record(command, request.success(), request.message())
                        .flatMap(recorded -> !recorded || request.success() || command.instanceId() == null
                                ? Mono.just(recorded)
                                : reportRefusal(command, request).thenReturn(recorded)))
                .defaultIfEmpty(false);
    }

    private Mono<Boolean> reportRefusal(CommandRow command, CommandResultRequest result) {
        String message = result.message();
        String reason = message == null || message.isBlank() ? "refused by the agent" : message;
        Outcome outcome = new Outcome(command.instanceId().toString(), reason);
        if (CommandType.LAUNCH_INSTANCE.name().equals(command.commandType())) {
            String capacity = result.errorCode() != null ? FailureTypes.capacityType(result.errorCode())
                    : FailureTypes.capacityTypeIn(message);
            String named = result.errorCode() != null && !reason.contains(result.errorCode())
                    ? result.errorCode() + ": " + reason : reason;
            LaunchRefusal refusal = new LaunchRefusal(command.instanceId().toString(), named, capacity,
                    attemptOf(command));
            return instances.findById(command.instanceId())
                    .flatMap(row -> workflows.reportLaunchRefused(row.clientId(), row.requestId(), refusal));
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
}
