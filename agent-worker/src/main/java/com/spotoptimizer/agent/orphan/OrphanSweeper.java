package com.spotoptimizer.agent.orphan;

import com.spotoptimizer.agent.ec2.InstanceQueries;
import com.spotoptimizer.agent.ec2.OwnTerminations;
import com.spotoptimizer.agent.ec2.Ownership;
import com.spotoptimizer.agent.pacing.Ec2Pacer;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import com.spotoptimizer.workflows.orphan.OrphanCheckWorkflow;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Nothing leaked: finds instances that carry this system's ownership tag and this agent's id but have no
 * live row (none at all, or one that says terminated, failed or timed out) and terminates those older than
 * the grace period. Another agent's instance, or one with no agent id, is never a candidate: several
 * agents may share one AWS account, and each sweeps only what it launched. The agent has no database, so it asks the control plane through {@code OrphanCheckWorkflow} on
 * the control-plane task queue. Instances this agent is watching right now are its own work in flight and
 * are not asked about. The count found by the last sweep is the {@code spot_orphan_instances} gauge. Due orphans are
 * terminated by {@link OrphanTerminator}: through the agent's EC2 pacer when pacing is on ({@code pacer} not null),
 * at a priority below every command's.
 */
public final class OrphanSweeper {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
    /** Candidates per check, so one workflow's input stays far below Temporal's payload limit. */
    static final int CHECK_BATCH = 1000;
    private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(2);

    /**
     * What one sweep found and did. {@code terminated}: its due orphans that were terminated, by its own calls or, with
     * pacing, by a batch an earlier sweep had queued; a due orphan whose turn never came is not in it.
     */
    public record Report(int candidates, List<TaggedInstance> orphans, List<String> terminated) {
    }

    private final String agentId;
    private final InstanceQueries queries;
    private final WorkflowClient client;
    private final String controlPlaneTaskQueue;
    private final Duration gracePeriod;
    private final Ec2Metrics metrics;
    private final Clock clock;
    private final Supplier<Set<String>> inFlight;
    private final OrphanTerminator terminator;

    public OrphanSweeper(String agentId, Ec2Client ec2, InstanceQueries queries, WorkflowClient client,
                         String controlPlaneTaskQueue, Duration gracePeriod, Ec2Metrics metrics, Clock clock,
                         Supplier<Set<String>> inFlight, OwnTerminations own, Ec2Pacer pacer) {
        this.agentId = agentId;
        this.queries = queries;
        this.client = client;
        this.controlPlaneTaskQueue = controlPlaneTaskQueue;
        this.gracePeriod = gracePeriod;
        this.metrics = metrics;
        this.clock = clock;
        this.inFlight = inFlight;
        this.terminator = new OrphanTerminator(agentId, ec2, pacer, metrics, own);
    }

    /**
     * Sweeps once. The future completes with the report once every due orphan's termination was answered: on return
     * without pacing; when their TerminateInstances turns came with it (see {@link OrphanTerminator}). No thread waits
     * for those turns, and an orphan an earlier sweep queued is awaited, not queued again.
     */
    public CompletableFuture<Report> sweep() {
        Set<String> queuedBeforeScan = terminator.queued();
        Set<String> watched = inFlight.get();
        Map<String, Instant> launchTimes = new HashMap<>();
        List<TaggedInstance> candidates = new ArrayList<>();
        for (Instance instance : queries.managed(InstanceQueries.LIVE_STATES)) {
            if (watched.contains(instance.instanceId()) || !Ownership.isOwnedBy(instance, agentId)) {
                continue;
            }
            launchTimes.put(instance.instanceId(), instance.launchTime());
            candidates.add(tagged(instance));
        }
        List<TaggedInstance> orphans = new ArrayList<>();
        for (int from = 0; from < candidates.size(); from += CHECK_BATCH) {
            orphans.addAll(check(candidates.subList(from, Math.min(candidates.size(), from + CHECK_BATCH)),
                    from / CHECK_BATCH));
        }
        metrics.orphansFound(orphans.size());

        Instant cutoff = clock.instant().minus(gracePeriod);
        List<TaggedInstance> due = orphans.stream()
                .filter(o -> {
                    Instant launched = launchTimes.get(o.ec2InstanceId());
                    return launched != null && !launched.isAfter(cutoff);
                })
                .toList();
        int found = candidates.size();
        List<TaggedInstance> seen = List.copyOf(orphans);
        return terminator.terminate(due, queuedBeforeScan).thenApply(terminated -> {
            log.info("Orphan sweep done agent_id={} candidates={} orphans={} due={} terminated={}", agentId, found,
                    seen.size(), due.size(), terminated.size());
            return new Report(found, seen, terminated);
        });
    }

    /** {@link #sweep()}, waiting for its report: for callers on demand and tests (the schedule never waits). */
    public Report sweepOnce() {
        return sweep().join();
    }

    private List<TaggedInstance> check(List<TaggedInstance> batch, int batchNumber) {
        OrphanCheckWorkflow check = client.newWorkflowStub(OrphanCheckWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(controlPlaneTaskQueue)
                .setWorkflowId("orphan-check-" + agentId + "-" + clock.millis() + (batchNumber == 0 ? "" : "-" + batchNumber))
                .setWorkflowExecutionTimeout(CHECK_TIMEOUT)
                .build());
        List<TaggedInstance> orphans = check.check(agentId, List.copyOf(batch));
        return orphans == null ? List.of() : orphans;
    }

    private static TaggedInstance tagged(Instance instance) {
        Map<String, String> tags = new HashMap<>();
        for (Tag tag : instance.tags()) {
            tags.put(tag.key(), tag.value());
        }
        return new TaggedInstance(instance.instanceId(), tags.get(OwnershipTags.INSTANCE_ID),
                tags.get(OwnershipTags.CLIENT_ID), tags.get(OwnershipTags.REQUEST_ID),
                instance.state() == null ? null : instance.state().nameAsString());
    }
}
