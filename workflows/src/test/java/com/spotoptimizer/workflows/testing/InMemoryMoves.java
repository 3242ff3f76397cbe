package com.spotoptimizer.workflows.testing;

import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.move.Demotion;
import com.spotoptimizer.workflows.move.MoveActivities;
import com.spotoptimizer.workflows.move.MoveCommand;
import com.spotoptimizer.workflows.move.MoveResult;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.system.Transport;
import io.temporal.failure.ApplicationFailure;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The moves' transitions over {@link InMemoryLifecycle}'s rows, with the database's rules
 * ({@code InstanceTransitions}): idempotent, a forbidden transition fails without retry. Records move commands
 * and their outcomes (each outcome once, as the command row closes once).
 */
public final class InMemoryMoves implements MoveActivities {

    private final InMemoryLifecycle lifecycle;
    private final Map<String, MoveCommand> commands = new ConcurrentHashMap<>();
    private final Map<String, String> commandStatus = new ConcurrentHashMap<>();
    private final List<MoveResult> outcomes = new CopyOnWriteArrayList<>();

    public InMemoryMoves(InMemoryLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public void recordMoveRequested(MoveCommand command) {
        lifecycle.passGate("recordMoveRequested");
        if (commands.putIfAbsent(command.commandId(), command) == null) {
            commandStatus.put(command.commandId(), command.transport() == Transport.TEMPORAL ? "DISPATCHED" : "QUEUED");
        }
    }

    @Override
    public InstanceSnapshot getInstance(String instanceId) {
        synchronized (lifecycle) {
            InMemoryLifecycle.Row row = lifecycle.rowOrNull(instanceId);
            return row == null ? null : row.snapshot();
        }
    }

    @Override
    public InstanceSnapshot findPrimaryFor(String replicaId) {
        synchronized (lifecycle) {
            InMemoryLifecycle.Row replica = lifecycle.find(replicaId);
            return lifecycle.allRows().stream()
                    .filter(p -> p != replica && Statuses.RUNNING_PRIMARY.equals(p.status)
                            && p.clientId.equals(replica.clientId))
                    .filter(p -> p.instanceId.equals(replica.replicaOf) || p.agentId.equals(replica.agentId))
                    .min(Comparator.comparing((InMemoryLifecycle.Row p) -> !p.instanceId.equals(replica.replicaOf))
                            .thenComparing(p -> p.launchRequestedAt))
                    .map(InMemoryLifecycle.Row::snapshot).orElse(null);
        }
    }

    @Override
    public InstanceSnapshot recordPromotionRequested(Outcome request) {
        lifecycle.passGate("recordPromotionRequested");
        synchronized (lifecycle) {
            InMemoryLifecycle.Row row = lifecycle.find(request.instanceId());
            if (Statuses.PROMOTING.equals(row.status)) {
                return lifecycle.unchanged("recordPromotionRequested", row);
            }
            if (!Statuses.RUNNING_REPLICA.equals(row.status)) {
                throw ApplicationFailure.newNonRetryableFailure("instance is " + row.status + "; cannot promote",
                        FailureTypes.TRANSITION_NOT_ALLOWED);
            }
            lifecycle.move(row, Statuses.PROMOTING, null);
            return lifecycle.changed("recordPromotionRequested", row, request.reason(), "INSTANCE_PROMOTING");
        }
    }

    @Override
    public InstanceSnapshot recordPromoted(Outcome request) {
        lifecycle.passGate("recordPromoted");
        synchronized (lifecycle) {
            InMemoryLifecycle.Row row = lifecycle.find(request.instanceId());
            if (!Statuses.PROMOTING.equals(row.status)) {
                return lifecycle.unchanged("recordPromoted", row);
            }
            lifecycle.move(row, Statuses.RUNNING_PRIMARY, null);
            row.role = "primary";
            row.replicaOf = null;
            return lifecycle.changed("recordPromoted", row, request.reason(), "INSTANCE_PROMOTED");
        }
    }

    @Override
    public InstanceSnapshot recordPromotionAbandoned(Outcome outcome) {
        lifecycle.passGate("recordPromotionAbandoned");
        synchronized (lifecycle) {
            InMemoryLifecycle.Row row = lifecycle.find(outcome.instanceId());
            if (!Statuses.PROMOTING.equals(row.status)) {
                return lifecycle.unchanged("recordPromotionAbandoned", row);
            }
            lifecycle.move(row, Statuses.RUNNING_REPLICA, null);
            return lifecycle.changed("recordPromotionAbandoned", row, outcome.reason(), "INSTANCE_RUNNING");
        }
    }

    @Override
    public InstanceSnapshot recordDemoted(Demotion demotion) {
        lifecycle.passGate("recordDemoted");
        synchronized (lifecycle) {
            InMemoryLifecycle.Row row = lifecycle.find(demotion.instanceId());
            if (!Statuses.RUNNING_PRIMARY.equals(row.status)) {
                return lifecycle.unchanged("recordDemoted", row);
            }
            lifecycle.move(row, Statuses.RUNNING_REPLICA, null);
            row.role = "replica";
            row.replicaOf = demotion.newPrimaryId();
            return lifecycle.changed("recordDemoted", row, demotion.reason(), "INSTANCE_DEMOTED");
        }
    }

    @Override
    public void recordMoveOutcome(MoveResult outcome) {
        lifecycle.passGate("recordMoveOutcome");
        if (outcome.commandId() == null) {
            return;
        }
        String closed = outcome.succeeded() ? "COMPLETED" : "FAILED";
        String before = commandStatus.get(outcome.commandId());
        if (before != null && !before.equals("COMPLETED") && !before.equals("FAILED")
                && commandStatus.replace(outcome.commandId(), before, closed)) {
            outcomes.add(outcome);
        }
    }

    // ---- what tests read and set up -----------------------------------------------------------

    /** The replica row stands in for {@code primaryId} (its {@code replica_of}). */
    public void attach(String replicaId, String primaryId) {
        synchronized (lifecycle) {
            lifecycle.find(replicaId).replicaOf = primaryId;
        }
    }

    public String role(String instanceId) {
        synchronized (lifecycle) {
            return lifecycle.find(instanceId).role;
        }
    }

    public MoveCommand command(String commandId) {
        return commands.get(commandId);
    }

    public String commandStatus(String commandId) {
        return commandStatus.get(commandId);
    }

    /** Each recorded outcome (COMMAND_EXECUTED), in order. */
    public List<MoveResult> outcomes() {
        return List.copyOf(outcomes);
    }
}
