package com.spotoptimizer.api.move;

import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.instance.InstanceStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A SPOT_INTERRUPTION notice for a running primary starts its {@code InterruptionFailoverWorkflow}, one per instance
 * and notice (a repeated notice joins it). Started before the agent's notice is answered, so an API that dies in
 * between leaves the agent repeating the notice rather than a failover that never happened.
 */
@Component
public class InterruptionFailovers {

    public static final String SPOT_INTERRUPTION = "SPOT_INTERRUPTION";
    private static final Logger log = LoggerFactory.getLogger(InterruptionFailovers.class);

    private final InstanceRepository instances;
    private final AccountRepository accounts;
    private final MoveInputs inputs;
    private final MoveWorkflows workflows;

    public InterruptionFailovers(InstanceRepository instances, AccountRepository accounts, MoveInputs inputs,
                                 MoveWorkflows workflows) {
        this.instances = instances;
        this.accounts = accounts;
        this.inputs = inputs;
        this.workflows = workflows;
    }

    /** True when a failover was started for this notice now; false when none applies or it runs already. */
    public Mono<Boolean> onNotice(String kind, UUID instanceId, Instant actionTime) {
        if (!SPOT_INTERRUPTION.equals(kind) || instanceId == null) {
            return Mono.just(false);
        }
        return instances.findById(instanceId)
                .filter(row -> row.status() == InstanceStatus.RUNNING_PRIMARY)
                .flatMap(primary -> instances.findRunningReplicaOf(primary.instanceId()).map(Optional::of)
                        .defaultIfEmpty(Optional.empty())
                        .flatMap(replica -> accounts.findAgent(primary.agentId())
                                .flatMap(agent -> workflows.failover(
                                        inputs.failover(primary, replica.orElse(null), agent, actionTime)))
                                .doOnNext(started -> log(primary, replica.orElse(null), started))))
                .defaultIfEmpty(false);
    }

    private static void log(InstanceRow primary, InstanceRow replica, boolean started) {
        if (started) {
            log.info("Started interruption failover instance_id={} replica_id={}", primary.instanceId(),
                    replica == null ? null : replica.instanceId());
        }
    }
}
