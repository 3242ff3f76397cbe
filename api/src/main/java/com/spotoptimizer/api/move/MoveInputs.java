package com.spotoptimizer.api.move;

import com.spotoptimizer.api.instance.InstanceService;
import com.spotoptimizer.api.instance.LaunchSpecs;
import com.spotoptimizer.api.system.LifecycleProperties;
import com.spotoptimizer.db.account.AgentRow;
import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.system.JsonText;
import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.move.FailoverInput;
import com.spotoptimizer.workflows.move.MoveCommand;
import com.spotoptimizer.workflows.move.MoveTimeouts;
import com.spotoptimizer.workflows.move.SwitchInstanceInput;
import com.spotoptimizer.workflows.system.TaskQueues;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Builds the moves' workflow inputs from the record, in one place (the request path and the restart path agree).
 * Derived request ids contain a {@code .}, which a client's own request ids never do, so a move's launches can
 * never collide with a client's: a switch's replacement is {@code move.<request_id>.replacement}, its old primary's
 * termination {@code move.<request_id>.old}; a failover's launches {@code failover.<instance>.<notice>.replica|primary}.
 */
@Component
public class MoveInputs {

    private final LifecycleProperties lifecycle;
    private final Clock clock;

    public MoveInputs(LifecycleProperties lifecycle, Clock clock) {
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** What a switch's metadata names: the replacement's type and placement (null: as the old one). */
    public record Target(String instanceType, String subnetId, String market) {
    }

    public SwitchInstanceInput switchInput(CommandRow command, InstanceRow old, AgentRow agent, Target target,
                                           Instant notBefore) {
        Transport transport = Transport.valueOf(agent.transport());
        MoveCommand move = new MoveCommand(command.commandId(), command.clientId(), command.agentId(), transport,
                old.instanceId().toString(), command.commandType(), command.priority(), command.requestId(),
                command.metadataJson(), command.createdAt(), notBefore);
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (target.subnetId() != null) {
            overrides.put("subnet_id", target.subnetId());
        }
        if (target.market() != null) {
            overrides.put("market", target.market());
        }
        LaunchInstanceInput replacement = launch(old, agent, "move." + command.requestId() + ".replacement", "replica",
                target.instanceType() != null ? target.instanceType() : old.instanceType(), overrides,
                old.instanceId().toString(), command.priority());
        return new SwitchInstanceInput(move, old.instanceId().toString(), replacement,
                termination(old, agent, "move." + command.requestId() + ".old",
                        command.commandType() + " " + command.requestId() + ": replaced by " + replacement.instanceId(),
                        command.priority()),
                lifecycle.launchTimeout().plus(MoveTimeouts.REPLACEMENT_GRACE));
    }

    public FailoverInput failover(InstanceRow primary, InstanceRow replica, AgentRow agent, Instant actionTime) {
        Instant action = actionTime != null ? actionTime : clock.instant().plusSeconds(120);
        String key = Long.toString(action.getEpochSecond());
        String base = "failover." + primary.instanceId() + "." + key;
        return new FailoverInput(primary.clientId(), primary.instanceId().toString(), key, action,
                replica == null ? null : replica.instanceId().toString(),
                replica == null ? null : launch(primary, agent, base + ".replica", "replica", primary.instanceType(),
                        Map.of(), replica.instanceId().toString(), CommandPriority.CRITICAL),
                launch(primary, agent, base + ".primary", "primary", primary.instanceType(), Map.of(), null,
                        CommandPriority.CRITICAL),
                termination(primary, agent, base + ".interrupted", "spot interruption: still running after its action time",
                        CommandPriority.CRITICAL));
    }

    public TerminateInstanceInput termination(InstanceRow row, AgentRow agent, String requestId, String reason,
                                              int priority) {
        return new TerminateInstanceInput(row.instanceId().toString(), row.clientId(), row.agentId(),
                Transport.valueOf(agent.transport()), TaskQueues.forAgent(row.agentId()), row.requestId(),
                row.instanceType(), requestId, reason, clock.instant(), lifecycle.terminationTimeout(), priority);
    }

    /** A launch like {@code like} (same agent, image, subnet, tags), with the overrides and the relation. */
    private LaunchInstanceInput launch(InstanceRow like, AgentRow agent, String requestId, String role,
                                       String instanceType, Map<String, Object> overrides, String replicaOf,
                                       int priority) {
        Map<String, Object> metadata = new LinkedHashMap<>(JsonText.toMap(like.metadataJson()));
        metadata.remove("replica_of");
        metadata.putAll(overrides);
        if (replicaOf != null) {
            metadata.put("replica_of", replicaOf);
        }
        return new LaunchInstanceInput(InstanceService.instanceId(like.clientId(), requestId).toString(),
                like.clientId(), like.agentId(), Transport.valueOf(agent.transport()), TaskQueues.forAgent(like.agentId()),
                requestId, InstanceService.fingerprint(like.agentId(), instanceType, role, metadata), instanceType, role,
                LaunchSpecs.from(metadata), JsonText.of(metadata), clock.instant(), lifecycle.launchTimeout(),
                lifecycle.lateConfirmationWindow(), lifecycle.terminationTimeout(), priority);
    }
}
