package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.api.instance.LaunchSpecs;
import com.spotoptimizer.api.system.LifecycleProperties;
import com.spotoptimizer.api.system.PeriodicJob;
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
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Rows in flight (launching, terminating) whose workflow is gone — the local mode's in-process Temporal
 * forgets everything on restart, an operator may terminate a workflow by hand, a workflow may fail for good —
 * get their workflow started again with the row's original request. The restarted workflow picks up where
 * the row is (its first activity is idempotent); the agent's RunInstances reuses the ClientToken, so no
 * second instance is made.
 *
 * <p>It runs in the background, never in start-up's way: the service is healthy whatever is in the
 * database. Rows are resumed a few at a time, each with a few retries; a row that cannot be resumed is
 * logged and counted ({@code spot_inflight_resumes{outcome="failed"}}) and never stops the others. Every
 * replica runs it; starting a workflow that runs already changes nothing.
 */
@Component
@ConditionalOnProperty(name = "spot.lifecycle.reconcile-on-start", havingValue = "true", matchIfMissing = true)
public class InFlightReconciler extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(InFlightReconciler.class);
    static final int CONCURRENCY = 8;
    private static final int ATTEMPTS = 3;

    private final InstanceRepository instances;
    private final AccountRepository accounts;
    private final LifecycleWorkflows workflows;
    private final WorkflowClient client;
    private final LifecycleProperties lifecycle;
    private final MeterRegistry registry;

    public InFlightReconciler(InstanceRepository instances, AccountRepository accounts, LifecycleWorkflows workflows,
                              WorkflowClient client, LifecycleProperties lifecycle, MeterRegistry registry) {
        this.instances = instances;
        this.accounts = accounts;
        this.workflows = workflows;
        this.client = client;
        this.lifecycle = lifecycle;
        this.registry = registry;
    }

    @Override
    protected String name() {
        return "in-flight-reconciler";
    }

    @Override
    protected Duration firstDelay() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Duration period() {
        return lifecycle.reconcileInterval();
    }

    @Override
    protected Mono<Long> runOnce() {
        return instances.findInFlight()
                .flatMap(row -> reconcile(row)
                        .retryWhen(Retry.backoff(ATTEMPTS - 1, Duration.ofMillis(500)))
                        .onErrorResume(e -> {
                            log.warn("Could not resume instance_id={} status={} request_id={} error={}",
                                    row.instanceId(), row.status().value(), row.requestId(), rootCause(e));
                            return Mono.just("failed");
                        })
                        .doOnNext(outcome -> registry.counter("spot_inflight_resumes", "outcome", outcome).increment()),
                        CONCURRENCY)
                .filter("resumed"::equals)
                .count()
                .doOnNext(resumed -> {
                    if (resumed > 0) {
                        log.info("Resumed in-flight instances whose workflow was gone count={}", resumed);
                    }
                });
    }

    /** "resumed", or "running" when its workflow is alive. */
    private Mono<String> reconcile(InstanceRow row) {
        return workflowGone(row).flatMap(gone -> gone ? resume(row).thenReturn("resumed") : Mono.just("running"));
    }

    /**
     * A terminating row is owned by its launch workflow until that hands over (terminate while launching), so
     * it is gone only when neither runs.
     */
    private Mono<Boolean> workflowGone(InstanceRow row) {
        String launch = WorkflowIds.launch(row.clientId(), row.requestId());
        return Mono.fromCallable(() -> row.status() == InstanceStatus.LAUNCHING
                        ? !running(launch)
                        : !running(WorkflowIds.terminate(row.instanceId().toString())) && !running(launch))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private boolean running(String workflowId) {
        try {
            return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
                    == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        } catch (WorkflowNotFoundException e) {
            return false;
        }
    }

    private Mono<Void> resume(InstanceRow row) {
        return accounts.findAgent(row.agentId())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("agent " + row.agentId() + " is gone")))
                .flatMap(agent -> {
                    Transport transport = Transport.valueOf(agent.transport());
                    log.info("Resuming workflow of instance_id={} status={} request_id={}", row.instanceId(),
                            row.status().value(), row.requestId());
                    if (row.status() == InstanceStatus.LAUNCHING) {
                        return workflows.resumeLaunch(new LaunchInstanceInput(row.instanceId().toString(),
                                row.clientId(), row.agentId(), transport, TaskQueues.forAgent(row.agentId()),
                                row.requestId(), row.requestFingerprint(), row.instanceType(), row.role(),
                                LaunchSpecs.from(JsonText.toMap(row.metadataJson())), row.metadataJson(),
                                row.launchRequestedAt(), lifecycle.launchTimeout(), lifecycle.lateConfirmationWindow(),
                                lifecycle.terminationTimeout(), CommandPriority.CRITICAL));
                    }
                    return workflows.resumeTermination(new TerminateInstanceInput(row.instanceId().toString(),
                            row.clientId(), row.agentId(), transport, TaskQueues.forAgent(row.agentId()),
                            row.requestId(), row.instanceType(),
                            row.terminationRequestId() != null ? row.terminationRequestId() : "reconcile",
                            "resumed after restart", row.terminationRequestedAt(), lifecycle.terminationTimeout(), CommandPriority.CRITICAL));
                });
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
