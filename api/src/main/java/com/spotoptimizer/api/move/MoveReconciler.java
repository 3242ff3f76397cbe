package com.spotoptimizer.api.move;

import com.spotoptimizer.api.command.MoveRequests;
import com.spotoptimizer.api.system.LifecycleProperties;
import com.spotoptimizer.api.system.PeriodicJob;
import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.command.CommandRepository;
import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.instance.InstanceTransitions;
import com.spotoptimizer.db.system.JsonText;
import com.spotoptimizer.workflows.system.WorkflowIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The moves' side of "a restart never needs hand repair". The move workflows are the durable owners of their work,
 * so with a Temporal service that keeps its state nothing needs resuming. When the workflows are gone (the local
 * mode's in-process Temporal forgets everything on restart; an operator terminated one):
 * <ul>
 *   <li>a switch or maintenance whose command is still open gets its workflow started again from the command row;
 *   every step of it first looks at the record (replacement recorded? promoted? old one terminated?), so it goes on
 *   from where the record is and never launches twice (the replacement's request id, and so its ClientToken, is
 *   derived from the move's);</li>
 *   <li>a row {@code promoting} for longer than a promotion's recording steps can take
 *   ({@link #PROMOTION_STALE}) goes back to {@code running_replica}: a promotion touches the old primary only after
 *   it completed, so the old primary is still primary and undoing is always safe. A move still alive that then
 *   finds its replica not promoting fails its promotion and reclaims its replacement.</li>
 * </ul>
 * Runs in the background on every replica, never in start-up's way; failures are logged and counted.
 */
@Component
@ConditionalOnProperty(name = "spot.lifecycle.reconcile-on-start", havingValue = "true", matchIfMissing = true)
public class MoveReconciler extends PeriodicJob {

    /** Longer than the lifecycle activities' retry budget (2 minutes): no live promotion is mid-step that long. */
    static final Duration PROMOTION_STALE = Duration.ofMinutes(3);
    private static final Logger log = LoggerFactory.getLogger(MoveReconciler.class);

    private final CommandRepository commands;
    private final InstanceRepository instances;
    private final AccountRepository accounts;
    private final InstanceTransitions transitions;
    private final MoveInputs inputs;
    private final MoveWorkflows workflows;
    private final LifecycleProperties lifecycle;
    private final MeterRegistry registry;
    private final Clock clock;

    public MoveReconciler(CommandRepository commands, InstanceRepository instances, AccountRepository accounts,
                          InstanceTransitions transitions, MoveInputs inputs, MoveWorkflows workflows,
                          LifecycleProperties lifecycle, MeterRegistry registry, Clock clock) {
        this.commands = commands;
        this.instances = instances;
        this.accounts = accounts;
        this.transitions = transitions;
        this.inputs = inputs;
        this.workflows = workflows;
        this.lifecycle = lifecycle;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    protected String name() {
        return "move-reconciler";
    }

    @Override
    protected Duration firstDelay() {
        return Duration.ofSeconds(2);
    }

    @Override
    protected Duration period() {
        return lifecycle.reconcileInterval();
    }

    @Override
    protected Mono<Long> runOnce() {
        Mono<Long> moves = commands.findOpenMoves()
                .filter(command -> CommandServiceMarks.runByControlPlane(command.metadataJson()))
                .flatMap(command -> resumeIfGone(command).onErrorResume(e -> {
                    log.warn("Could not resume move command_id={} error={}", command.commandId(), e.toString());
                    return Mono.just("failed");
                }).doOnNext(outcome -> registry.counter("spot_move_resumes", "outcome", outcome).increment()), 4)
                .filter("resumed"::equals).count();
        Mono<Long> promotions = instances.findPromoting()
                .filter(row -> row.updatedAt() != null
                        && row.updatedAt().plus(PROMOTION_STALE).isBefore(clock.instant()))
                .flatMap(this::abandon, 4).count();
        return moves.zipWith(promotions, Long::sum);
    }

    private Mono<String> resumeIfGone(CommandRow command) {
        String workflowId = WorkflowIds.move(command.clientId(), command.requestId());
        return workflows.isRunning(workflowId).flatMap(running -> running ? Mono.just("running")
                : instances.findById(command.instanceId()).flatMap(old -> accounts.findAgent(old.agentId())
                        .flatMap(agent -> {
                            Map<String, Object> metadata = JsonText.toMap(command.metadataJson());
                            log.info("Resuming move whose workflow is gone command_id={} instance_id={}",
                                    command.commandId(), old.instanceId());
                            return commands.findNotBefore(command.commandId())
                                    .map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                                    .flatMap(notBefore -> workflows.resumeSwitch(inputs.switchInput(command, old, agent,
                                            MoveRequests.target(metadata), notBefore.orElse(null))));
                        }))
                        .thenReturn("resumed"));
    }

    private Mono<InstanceRow> abandon(InstanceRow row) {
        log.warn("Promotion left behind by a lost workflow, back to replica instance_id={}", row.instanceId());
        return transitions.promotionAbandoned(row.instanceId(), "promotion interrupted: its workflow is gone")
                .map(result -> result.row());
    }

    /** Reads the mark {@code CommandService} puts on the moves it hands to a workflow. */
    static final class CommandServiceMarks {

        private CommandServiceMarks() {
        }

        static boolean runByControlPlane(String metadataJson) {
            return com.spotoptimizer.api.command.CommandService.CONTROL_PLANE.equals(
                    JsonText.toMap(metadataJson).get(com.spotoptimizer.api.command.CommandService.RUN_BY));
        }
    }
}
