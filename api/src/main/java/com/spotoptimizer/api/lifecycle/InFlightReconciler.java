package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.api.instance.LaunchSpecs;
import com.spotoptimizer.api.system.LifecycleProperties;
import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.instance.InstanceStatus;
import com.spotoptimizer.db.system.JsonText;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.system.TaskQueues;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * At start-up, finds rows in flight (launching, terminating) whose workflow is gone — the local
 * mode's in-process Temporal forgets everything on restart, and an operator may terminate a workflow
 * by hand — and starts it again with the row's original request time. The restarted workflow picks up
 * where the row is (its first activity is idempotent); the agent's RunInstances reuses the ClientToken,
 * so no second instance is made.
 */
@Component
@Order(10)
@ConditionalOnProperty(name = "spot.lifecycle.reconcile-on-start", havingValue = "true", matchIfMissing = true)
public class InFlightReconciler implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(InFlightReconciler.class);

    private final InstanceRepository instances;
    private final AccountRepository accounts;
    private final LifecycleWorkflows workflows;
    private final WorkflowClient client;
    private final LifecycleProperties lifecycle;

    public InFlightReconciler(InstanceRepository instances, AccountRepository accounts, LifecycleWorkflows workflows,
                              WorkflowClient client, LifecycleProperties lifecycle) {
        this.instances = instances;
        this.accounts = accounts;
        this.workflows = workflows;
        this.client = client;
        this.lifecycle = lifecycle;
    }

    @Override
    public void run(ApplicationArguments args) {
        Long resumed = reconcile().block(Duration.ofMinutes(2));
        if (resumed != null && resumed > 0) {
            log.info("Reconciled in-flight instances whose workflow was gone count={}", resumed);
        }
    }

    public Mono<Long> reconcile() {
        return instances.findInFlight()
                .filterWhen(row -> workflowGone(row))
                .concatMap(this::resume)
                .count();
    }

    private Mono<Boolean> workflowGone(InstanceRow row) {
        String workflowId = row.status() == InstanceStatus.LAUNCHING
                ? WorkflowIds.launch(row.clientId(), row.requestId())
                : WorkflowIds.terminate(row.instanceId().toString());
        return Mono.fromCallable(() -> {
            try {
                WorkflowExecutionStatus status = client.newUntypedWorkflowStub(workflowId).describe().getStatus();
                return status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
            } catch (WorkflowNotFoundException e) {
                return true;
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private Flux<Object> resume(InstanceRow row) {
        return accounts.findAgent(row.agentId()).flatMapMany(agent -> {
            Transport transport = Transport.valueOf(agent.transport());
            log.info("Resuming workflow of instance_id={} status={} request_id={}", row.instanceId(),
                    row.status().value(), row.requestId());
            if (row.status() == InstanceStatus.LAUNCHING) {
                return workflows.launch(new LaunchInstanceInput(row.instanceId().toString(), row.clientId(),
                        row.agentId(), transport, TaskQueues.forAgent(row.agentId()), row.requestId(),
                        row.requestFingerprint(), row.instanceType(), row.role(),
                        LaunchSpecs.from(JsonText.toMap(row.metadataJson())), row.metadataJson(),
                        row.launchRequestedAt(), lifecycle.launchTimeout(), lifecycle.lateConfirmationWindow(),
                        lifecycle.terminationTimeout())).flux().cast(Object.class);
            }
            return workflows.terminate(new TerminateInstanceInput(row.instanceId().toString(), row.clientId(),
                    row.agentId(), transport, TaskQueues.forAgent(row.agentId()), row.requestId(), row.instanceType(),
                    row.terminationRequestId() != null ? row.terminationRequestId() : "reconcile",
                    "resumed after restart", row.terminationRequestedAt(), lifecycle.terminationTimeout()))
                    .flux().cast(Object.class);
        }).onErrorResume(e -> {
            log.warn("Could not resume instance_id={}: {}", row.instanceId(), e.toString());
            return Flux.empty();
        });
    }
}
