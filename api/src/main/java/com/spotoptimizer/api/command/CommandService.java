package com.spotoptimizer.api.command;

import com.spotoptimizer.api.auth.Caller;
import com.spotoptimizer.api.instance.InstanceService;
import com.spotoptimizer.api.move.MoveInputs;
import com.spotoptimizer.api.move.MoveWorkflows;
import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.account.AgentRow;
import com.spotoptimizer.db.command.CommandRepository;
import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.command.CommandType;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.instance.InstanceStatus;
import com.spotoptimizer.db.system.JsonText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Switch and maintenance commands a client queues. One that names an instance is a move the control plane runs as
 * a {@code SwitchInstanceWorkflow} (idempotent by request id: the same request joins the same move, another body
 * with that request id is a 409). One that names none is handed to the agent as the seed did, and the agent reports
 * its result.
 */
@Service
public class CommandService {

    /** Marks a command the control plane runs (an agent's result on it changes nothing). */
    public static final String RUN_BY = "run_by";
    public static final String CONTROL_PLANE = "control-plane";
    private static final String FINGERPRINT = "request_fingerprint";

    private final CommandRepository commands;
    private final AccountRepository accounts;
    private final InstanceRepository instances;
    private final MoveInputs inputs;
    private final MoveWorkflows workflows;
    private final Clock clock;

    public CommandService(CommandRepository commands, AccountRepository accounts, InstanceRepository instances,
                          MoveInputs inputs, MoveWorkflows workflows, Clock clock) {
        this.commands = commands;
        this.accounts = accounts;
        this.instances = instances;
        this.inputs = inputs;
        this.workflows = workflows;
        this.clock = clock;
    }

    public Mono<CommandView> queue(Caller caller, QueueCommandRequest request) {
        CommandType type = CommandType.parse(request.commandType()).orElseThrow();
        String requestId = request.requestId() != null ? request.requestId() : UUID.randomUUID().toString();
        String commandId = commandId(request.agentId(), type, requestId);
        Map<String, Object> metadata = request.metadata() == null ? Map.of() : request.metadata();
        String instanceRef = MoveRequests.instanceRef(request, metadata);
        if (instanceRef == null) {
            return ownAgent(caller, request.agentId())
                    .then(Mono.defer(() -> queueForAgent(caller, request, type, requestId, commandId, metadata)))
                    .flatMap(this::view);
        }
        MoveInputs.Target target = MoveRequests.target(metadata);
        Instant notBefore = MoveRequests.notBefore(metadata);
        String fingerprint = fingerprint(request.agentId(), type, instanceRef, metadata);
        return ownAgent(caller, request.agentId())
                .flatMap(agent -> commands.findMoveByRequest(caller.clientId(), requestId)
                        .map(existing -> sameRequest(existing, fingerprint))
                        .switchIfEmpty(Mono.defer(() -> startMove(caller, agent, type, requestId, commandId, instanceRef,
                                metadata, fingerprint, target, notBefore))))
                .flatMap(this::view);
    }

    public Mono<CommandView> get(Caller caller, String commandId) {
        return commands.findById(commandId)
                .filter(c -> c.clientId().equals(caller.clientId()))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("command " + commandId)))
                .flatMap(this::view);
    }

    private Mono<CommandRow> startMove(Caller caller, AgentRow agent, CommandType type, String requestId,
                                       String commandId, String instanceRef, Map<String, Object> metadata,
                                       String fingerprint, MoveInputs.Target target, Instant notBefore) {
        return instances.findForClient(caller.clientId(), instanceRef)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("instance " + instanceRef)))
                .flatMap(old -> {
                    requireMovable(old, agent);
                    Map<String, Object> stored = new LinkedHashMap<>(metadata);
                    stored.put("instance_id", old.instanceId().toString());
                    stored.put("ec2_instance_id", old.ec2InstanceId());
                    stored.put(RUN_BY, CONTROL_PLANE);
                    stored.put(FINGERPRINT, fingerprint);
                    CommandRow command = new CommandRow(commandId, agent.agentId(), caller.clientId(), old.instanceId(),
                            type.name(), type.priority(), requestId, JsonText.of(stored), "QUEUED", 0, null,
                            clock.instant());
                    return workflows.switchInstance(inputs.switchInput(command, old, agent, target, notBefore))
                            .then(commands.findMoveByRequest(caller.clientId(), requestId))
                            .map(recorded -> sameRequest(recorded, fingerprint));
                });
    }

    private static void requireMovable(InstanceRow old, AgentRow agent) {
        if (!old.agentId().equals(agent.agentId())) {
            throw Problems.invalid("agent_id", "instance " + old.instanceId() + " is served by agent " + old.agentId());
        }
        if (old.status() != InstanceStatus.RUNNING_PRIMARY) {
            throw Problems.conflict("not-running-primary", "Not a running primary", "instance " + old.instanceId()
                    + " is " + old.status().value() + "; only a running primary can be switched");
        }
    }

    /** The seed's pass-through: the agent gets the command and reports its result. */
    private Mono<CommandRow> queueForAgent(Caller caller, QueueCommandRequest request, CommandType type,
                                           String requestId, String commandId, Map<String, Object> metadata) {
        CommandRow row = new CommandRow(commandId, request.agentId(), caller.clientId(), null, type.name(),
                type.priority(), requestId, JsonText.of(metadata), "QUEUED", 0, null, clock.instant());
        return commands.insert(row).then(commands.findForAgent(request.agentId(), commandId));
    }

    private static CommandRow sameRequest(CommandRow existing, String fingerprint) {
        Object recorded = JsonText.toMap(existing.metadataJson()).get(FINGERPRINT);
        if (!fingerprint.equals(recorded)) {
            throw Problems.conflict("request-id-reused", "Request id reused",
                    "request_id " + existing.requestId() + " was already used with a different body");
        }
        return existing;
    }

    private Mono<CommandView> view(CommandRow row) {
        return commands.findOutcome(row.commandId()).map(outcome -> CommandView.of(row, outcome))
                .defaultIfEmpty(CommandView.of(row, null));
    }

    private Mono<AgentRow> ownAgent(Caller caller, String agentId) {
        return accounts.findAgent(agentId)
                .filter(agent -> agent.clientId().equals(caller.clientId()))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("agent " + agentId)));
    }

    static String commandId(String agentId, CommandType type, String requestId) {
        return "cmd-" + UUID.nameUUIDFromBytes((agentId + "/" + type + "/" + requestId).getBytes(StandardCharsets.UTF_8));
    }

    private static String fingerprint(String agentId, CommandType type, String instanceRef, Map<String, Object> metadata) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent_id", agentId);
        body.put("command_type", type.name());
        body.put("instance_id", instanceRef);
        body.put("metadata", InstanceService.canonical(metadata));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JsonText.of(body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }
}
