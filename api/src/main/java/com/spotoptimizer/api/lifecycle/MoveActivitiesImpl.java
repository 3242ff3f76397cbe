package com.spotoptimizer.api.lifecycle;

import static com.spotoptimizer.api.lifecycle.LifecycleActivitiesImpl.block;
import static com.spotoptimizer.api.lifecycle.LifecycleActivitiesImpl.id;
import static com.spotoptimizer.api.lifecycle.LifecycleActivitiesImpl.logged;

import com.spotoptimizer.api.move.MoveMetrics;
import com.spotoptimizer.db.command.CommandRepository;
import com.spotoptimizer.db.command.CommandResults;
import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.instance.InstanceTransitions;
import com.spotoptimizer.db.instance.TransitionResult;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.move.Demotion;
import com.spotoptimizer.workflows.move.MoveActivities;
import com.spotoptimizer.workflows.move.MoveCommand;
import com.spotoptimizer.workflows.move.MoveResult;
import com.spotoptimizer.workflows.system.Transport;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The moves' activities on the control-plane task queue: reads, and transitions through
 * {@link InstanceTransitions} (the only place state changes), each one transaction with its event.
 */
@Component("moveActivities")
public class MoveActivitiesImpl implements MoveActivities {

    private static final Logger log = LoggerFactory.getLogger(MoveActivitiesImpl.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(8);

    private final InstanceTransitions transitions;
    private final InstanceRepository instances;
    private final CommandRepository commands;
    private final CommandResults results;
    private final MoveMetrics metrics;

    public MoveActivitiesImpl(InstanceTransitions transitions, InstanceRepository instances, CommandRepository commands,
                              CommandResults results, MoveMetrics metrics) {
        this.transitions = transitions;
        this.instances = instances;
        this.commands = commands;
        this.results = results;
        this.metrics = metrics;
    }

    @Override
    public void recordMoveRequested(MoveCommand command) {
        CommandRow row = new CommandRow(command.commandId(), command.agentId(), command.clientId(),
                command.instanceId() == null ? null : UUID.fromString(command.instanceId()), command.commandType(),
                command.priority(), command.requestId(), command.metadataJson(),
                // An HTTP agent sees the move in pending-commands (its launch and terminate follow as their own
                // commands); for a Temporal agent the workflow is the dispatch.
                command.transport() == Transport.TEMPORAL ? "DISPATCHED" : "QUEUED", 0, null, command.requestedAt());
        if (Boolean.TRUE.equals(commands.insertMove(row, command.notBefore()).block(READ_TIMEOUT))) {
            log.info("Recorded move command_id={} command_type={} instance_id={} priority={} not_before={}",
                    command.commandId(), command.commandType(), command.instanceId(), command.priority(),
                    command.notBefore());
        }
    }

    @Override
    public InstanceSnapshot getInstance(String instanceId) {
        InstanceRow row = instances.findById(id(instanceId)).block(READ_TIMEOUT);
        return row == null ? null : Snapshots.of(row);
    }

    @Override
    public InstanceSnapshot findPrimaryFor(String replicaInstanceId) {
        InstanceRow row = instances.findPrimaryFor(id(replicaInstanceId)).block(READ_TIMEOUT);
        return row == null ? null : Snapshots.of(row);
    }

    @Override
    public InstanceSnapshot recordPromotionRequested(Outcome request) {
        return write(transitions.promotionRequested(id(request.instanceId()), request.reason()), "promotion requested");
    }

    @Override
    public InstanceSnapshot recordPromoted(Outcome request) {
        TransitionResult result = block(transitions.promoted(id(request.instanceId()), request.reason()));
        logged(result, "promoted");
        if (result.changed()) {
            metrics.promotion(true);
        }
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordPromotionAbandoned(Outcome outcome) {
        TransitionResult result = block(transitions.promotionAbandoned(id(outcome.instanceId()), outcome.reason()));
        logged(result, "promotion abandoned");
        if (result.changed()) {
            metrics.promotion(false);
        }
        return Snapshots.of(result.row());
    }

    @Override
    public InstanceSnapshot recordDemoted(Demotion demotion) {
        return write(transitions.demoted(id(demotion.instanceId()), id(demotion.newPrimaryId()), demotion.reason()),
                "demoted");
    }

    @Override
    public void recordMoveOutcome(MoveResult outcome) {
        if (outcome.commandId() == null) {
            return;
        }
        Boolean closed = results.recordMoveOutcome(new CommandResults.MoveOutcome(outcome.commandId(),
                outcome.succeeded(), outcome.reason(), outcome.newInstanceId(), outcome.oldInstanceId()))
                .block(READ_TIMEOUT);
        if (Boolean.TRUE.equals(closed)) {
            metrics.moveEnded(outcome.succeeded());
            log.info("Recorded move outcome command_id={} succeeded={} new_instance_id={} reason={}",
                    outcome.commandId(), outcome.succeeded(), outcome.newInstanceId(), outcome.reason());
        }
    }

    private static InstanceSnapshot write(Mono<TransitionResult> transition, String what) {
        TransitionResult result = block(transition);
        logged(result, what);
        return Snapshots.of(result.row());
    }
}
