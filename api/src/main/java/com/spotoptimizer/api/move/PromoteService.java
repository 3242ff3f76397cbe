package com.spotoptimizer.api.move;

import com.spotoptimizer.api.auth.Caller;
import com.spotoptimizer.api.instance.InstanceView;
import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.instance.InstanceStatus;
import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.move.DemoteTo;
import com.spotoptimizer.workflows.move.PromoteInstanceInput;
import com.spotoptimizer.workflows.move.RequestedPromotion;
import com.spotoptimizer.workflows.system.WorkflowIds;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Promotes a running replica through a {@code PromoteInstanceWorkflow}; answers once the replica is
 * {@code promoting}. The same request id with the same body (instance, {@code demote_primary_to}) joins the same
 * promotion, running or finished; with another body it is a 409 {@code request-id-reused}, as a launch's is.
 * Anything but a running replica is a 409 too. Neither 409 changes anything.
 */
@Service
public class PromoteService {

    private final InstanceRepository instances;
    private final AccountRepository accounts;
    private final MoveInputs inputs;
    private final MoveWorkflows workflows;

    public PromoteService(InstanceRepository instances, AccountRepository accounts, MoveInputs inputs,
                          MoveWorkflows workflows) {
        this.instances = instances;
        this.accounts = accounts;
        this.workflows = workflows;
        this.inputs = inputs;
    }

    public Mono<InstanceView> promote(Caller caller, String anyId, PromoteRequest request) {
        PromoteRequest body = request != null ? request : PromoteRequest.empty();
        String requestId = body.requestId() != null ? body.requestId() : "promote-" + UUID.randomUUID();
        DemoteTo demoteTo = "terminated".equals(body.demotePrimaryTo()) ? DemoteTo.TERMINATED : DemoteTo.REPLICA;
        String workflowId = WorkflowIds.promote(caller.clientId(), requestId);
        return instances.findForClient(caller.clientId(), anyId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("instance " + anyId)))
                .flatMap(replica -> {
                    // The instance is named by its stable id, so the same replica by its EC2 id is the same body.
                    RequestedPromotion asked = new RequestedPromotion(replica.instanceId().toString(), demoteTo);
                    // Running first, then what it was asked: a promotion that starts in between is seen by the
                    // second look (or joined by the start and checked there), never taken for this request's.
                    return workflows.isRunning(workflowId)
                            .flatMap(repeat -> sameRequestOrConflict(workflowId, requestId, asked).thenReturn(repeat))
                            .flatMap(repeat -> repeat || replica.status() != InstanceStatus.RUNNING_REPLICA
                                    ? repeatOrRefuse(caller, replica, requestId)
                                    : start(replica, requestId, demoteTo, asked));
                });
    }

    private Mono<InstanceView> start(InstanceRow replica, String requestId, DemoteTo demoteTo,
                                     RequestedPromotion asked) {
        String workflowId = WorkflowIds.promote(replica.clientId(), requestId);
        return instances.findPrimaryFor(replica.instanceId()).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(primary -> oldPrimaryTermination(primary.orElse(null), requestId, demoteTo)
                        .map(Optional::of).defaultIfEmpty(Optional.empty())
                        .flatMap(termination -> workflows.promote(new PromoteInstanceInput(replica.clientId(), requestId,
                                replica.instanceId().toString(),
                                primary.map(p -> p.instanceId().toString()).orElse(null), demoteTo,
                                termination.orElse(null)))))
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                // A concurrent request with the same id and another body may have started first, and the start
                // then joined its workflow: what it recorded is not ours to answer.
                .flatMap(recorded -> sameRequestOrConflict(workflowId, requestId, asked).thenReturn(recorded))
                .flatMap(recorded -> {
                    String status = recorded.map(r -> r.status()).orElse(null);
                    if (status != null && !InstanceStatus.PROMOTING.value().equals(status)
                            && !InstanceStatus.RUNNING_PRIMARY.value().equals(status)) {
                        return Mono.error(notPromotable(replica.instanceId(), status));
                    }
                    return instances.findById(replica.instanceId());
                })
                .map(InstanceView::of);
    }

    /**
     * Empty when no promotion has this request id or the one that has it was asked for the same; a 409 when it
     * was asked for another instance or another {@code demote_primary_to} (nothing is started or written).
     */
    private Mono<Void> sameRequestOrConflict(String workflowId, String requestId, RequestedPromotion asked) {
        return workflows.requestedPromotion(workflowId)
                .filter(recorded -> !recorded.equals(asked))
                .flatMap(recorded -> Mono.<Void>error(requestIdReused(requestId, recorded)));
    }

    private Mono<com.spotoptimizer.workflows.terminate.TerminateInstanceInput> oldPrimaryTermination(
            InstanceRow primary, String requestId, DemoteTo demoteTo) {
        if (primary == null || demoteTo != DemoteTo.TERMINATED) {
            return Mono.empty();
        }
        return accounts.findAgent(primary.agentId()).map(agent -> inputs.termination(primary, agent,
                "promote." + requestId + ".old", "demoted to terminated: replica promoted", CommandPriority.CRITICAL));
    }

    /**
     * A repeat of a promotion (running, or one that made this row primary) answers with the row; anything else
     * that is not a running replica is refused.
     */
    private Mono<InstanceView> repeatOrRefuse(Caller caller, InstanceRow row, String requestId) {
        if (row.status() == InstanceStatus.PROMOTING || row.status() == InstanceStatus.RUNNING_PRIMARY) {
            return workflows.exists(WorkflowIds.promote(caller.clientId(), requestId)).map(repeat -> {
                if (!repeat) {
                    throw notPromotable(row.instanceId(), row.status().value());
                }
                return InstanceView.of(row);
            });
        }
        return Mono.error(notPromotable(row.instanceId(), row.status().value()));
    }

    private static RuntimeException requestIdReused(String requestId, RequestedPromotion recorded) {
        return Problems.conflict("request-id-reused", "Request id reused",
                        "request_id " + requestId + " was already used to promote another instance or with another "
                                + "demote_primary_to")
                .with("recorded_instance_id", recorded.replicaId())
                .with("recorded_demote_primary_to", recorded.demoteTo().name().toLowerCase(Locale.ROOT));
    }

    private static RuntimeException notPromotable(UUID instanceId, String status) {
        return Problems.conflict("not-a-running-replica", "Not a running replica",
                "instance " + instanceId + " is " + status + "; only a running replica can be promoted");
    }
}
