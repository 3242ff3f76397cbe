package com.spotoptimizer.agent.orphan;

import com.spotoptimizer.agent.ec2.Ec2Errors;
import com.spotoptimizer.agent.ec2.OwnTerminations;
import com.spotoptimizer.agent.pacing.Ec2Action;
import com.spotoptimizer.agent.pacing.Ec2Pacer;
import com.spotoptimizer.agent.pacing.PacedCall;
import com.spotoptimizer.agent.pacing.QueueStatus;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Terminates the orphans a sweep found due, in batches of at most {@link #BATCH} instances. Pacing off: the sweep's
 * thread calls TerminateInstances itself, as it always did. Pacing on: each batch is a {@link PacedCall} at
 * {@link #PRIORITY} drawing one TerminateInstances token per instance, and nothing waits for its turn: the batch's
 * call completes the futures the sweep returned. An orphan stays queued until its batch is answered, and a sweep that
 * finds it still queued awaits that answer instead of queueing it twice.
 */
final class OrphanTerminator {

    private static final Logger log = LoggerFactory.getLogger(OrphanTerminator.class);

    /**
     * EC2 takes up to 1,000 ids a call, but a paced batch is granted only once its tokens are there and then takes
     * them all: 100 is at most 5 s of TerminateInstances' refill (20/s) taken from whoever comes next, and it goes as
     * soon as 100 tokens are spare rather than waiting for a full bucket.
     */
    static final int BATCH = 100;

    /**
     * Below every command priority (scheduled maintenance, 10, is the lowest), so reclaiming a leak only spends
     * TerminateInstances capacity no command waits for: a client's priority-100 terminate or a move's old primary,
     * each with a 3-minute confirmation rule, never queues behind it. The pacer serves strictly by priority and does
     * not age turns, so an orphan waits while higher priorities keep the bucket empty; it cannot be lost that way:
     * a batch that got no turn within {@code max-queue-wait} expires, and the next sweep, which finds the instance
     * still running and still nobody's, queues it again.
     */
    static final int PRIORITY = CommandPriority.SCHEDULED_MAINTENANCE - 5;

    private final String agentId;
    private final Ec2Client ec2;
    /** Null when pacing is off. */
    private final Ec2Pacer pacer;
    private final Ec2Metrics metrics;
    private final OwnTerminations own;
    /** Orphans handed to the pacer and not answered yet; each future says whether it was terminated. */
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> queued = new ConcurrentHashMap<>();

    OrphanTerminator(String agentId, Ec2Client ec2, Ec2Pacer pacer, Ec2Metrics metrics, OwnTerminations own) {
        this.agentId = agentId;
        this.ec2 = ec2;
        this.pacer = pacer;
        this.metrics = metrics;
        this.own = own;
    }

    /** The EC2 ids waiting for a paced turn now (a sweep takes this before it scans). */
    Set<String> queued() {
        return Set.copyOf(queued.keySet());
    }

    /**
     * Terminates {@code due} and completes with the ids terminated, in {@code due}'s order. Without pacing the future
     * is complete on return. {@code queuedBeforeScan} is {@link #queued()} from before the sweep scanned: an orphan
     * in it that is no longer queued was answered while the sweep looked, and the scan may have seen it alive just
     * before its termination, so it is left to the next sweep rather than terminated twice.
     */
    CompletableFuture<List<String>> terminate(List<TaggedInstance> due, Set<String> queuedBeforeScan) {
        if (due.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (pacer == null) {
            return CompletableFuture.completedFuture(terminateNow(due));
        }
        List<TaggedInstance> awaited = new ArrayList<>();
        List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        List<TaggedInstance> fresh = new ArrayList<>();
        for (TaggedInstance orphan : due) {
            String id = orphan.ec2InstanceId();
            CompletableFuture<Boolean> earlier = queued.get(id);
            if (earlier == null && queuedBeforeScan.contains(id)) {
                continue;
            }
            if (earlier == null) {
                CompletableFuture<Boolean> mine = new CompletableFuture<>();
                earlier = queued.putIfAbsent(id, mine);
                if (earlier == null) {
                    fresh.add(orphan);
                    earlier = mine;
                }
            }
            awaited.add(orphan);
            answers.add(earlier);
        }
        for (int from = 0; from < fresh.size(); from += BATCH) {
            submit(new Batch(List.copyOf(fresh.subList(from, Math.min(fresh.size(), from + BATCH)))));
        }
        if (!fresh.isEmpty() || !awaited.isEmpty()) {
            log.info("Orphans queued for TerminateInstances agent_id={} queued={} already_queued={} priority={}",
                    agentId, fresh.size(), awaited.size() - fresh.size(), PRIORITY);
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<String> terminated = new ArrayList<>();
            for (int i = 0; i < awaited.size(); i++) {
                if (answers.get(i).join()) {
                    terminated.add(awaited.get(i).ec2InstanceId());
                }
            }
            return terminated;
        });
    }

    /** Pacing off: one call a batch; a batch EC2 refuses for an id that vanished since the scan goes one by one. */
    private List<String> terminateNow(List<TaggedInstance> due) {
        List<String> terminated = new ArrayList<>();
        try {
            for (int from = 0; from < due.size(); from += BATCH) {
                List<TaggedInstance> batch = due.subList(from, Math.min(due.size(), from + BATCH));
                List<String> ids = ids(batch);
                own.record(ids);
                try {
                    ec2.terminateInstances(r -> r.instanceIds(ids));
                    terminated.addAll(ids);
                } catch (SdkException e) {
                    if (!Ec2Errors.isNotFound(e)) {
                        throw e;
                    }
                    for (String id : ids) {
                        try {
                            ec2.terminateInstances(r -> r.instanceIds(id));
                            terminated.add(id);
                        } catch (SdkException one) {
                            log.warn("Orphan not terminated ec2_instance_id={} code={}", id, Ec2Errors.code(one));
                        }
                    }
                }
            }
        } finally {
            Set<String> done = Set.copyOf(terminated);
            terminated(due.stream().filter(o -> done.contains(o.ec2InstanceId())).toList());
        }
        return terminated;
    }

    private void submit(Batch batch) {
        try {
            pacer.submit(batch);
        } catch (IllegalStateException closed) {
            settle(batch.orphans, false);
        }
    }

    private void settle(List<TaggedInstance> orphans, boolean terminated) {
        if (terminated) {
            terminated(orphans);
        }
        for (TaggedInstance orphan : orphans) {
            CompletableFuture<Boolean> answer = queued.remove(orphan.ec2InstanceId());
            if (answer != null) {
                answer.complete(terminated);
            }
        }
    }

    private void terminated(List<TaggedInstance> orphans) {
        for (TaggedInstance orphan : orphans) {
            log.warn("Orphan terminated instance_id={} ec2_instance_id={} client_id={} request_id={} state={}",
                    orphan.instanceId(), orphan.ec2InstanceId(), orphan.clientId(), orphan.requestId(), orphan.state());
        }
        metrics.orphansTerminated(orphans.size());
    }

    private static List<String> ids(List<TaggedInstance> orphans) {
        return orphans.stream().map(TaggedInstance::ec2InstanceId).toList();
    }

    /** One paced TerminateInstances call for up to {@link #BATCH} orphans. */
    private final class Batch implements PacedCall {

        private final List<TaggedInstance> orphans;
        private final List<String> ids;

        Batch(List<TaggedInstance> orphans) {
            this.orphans = orphans;
            this.ids = ids(orphans);
        }

        @Override
        public Ec2Action action() {
            return Ec2Action.TERMINATE_INSTANCES;
        }

        @Override
        public int priority() {
            return PRIORITY;
        }

        /** An orphan is in one unanswered batch at most, so its first id names the batch. */
        @Override
        public String key() {
            return "orphan/" + agentId + "/" + ids.get(0);
        }

        @Override
        public int cost() {
            return ids.size();
        }

        /** Nobody cancels a sweep's batch: it waits until its turn or its deadline. */
        @Override
        public boolean waiting(QueueStatus status) {
            return true;
        }

        @Override
        public Result call() {
            try {
                own.record(ids);
                ec2.terminateInstances(r -> r.instanceIds(ids));
                settle(orphans, true);
            } catch (SdkException e) {
                if (Ec2Errors.isThrottling(e)) {
                    return Result.THROTTLED; // the pacer puts it back in its place after a backoff
                }
                if (Ec2Errors.isNotFound(e) && orphans.size() > 1) {
                    // One id vanished since the scan and EC2 refuses the whole batch: one by one, each its own turn.
                    orphans.forEach(orphan -> submit(new Batch(List.of(orphan))));
                } else {
                    log.warn("Orphans not terminated agent_id={} count={} first_ec2_instance_id={} code={}", agentId,
                            ids.size(), ids.get(0), Ec2Errors.code(e));
                    settle(orphans, false);
                }
            } catch (RuntimeException e) {
                log.warn("Orphans not terminated agent_id={} count={} error={}", agentId, ids.size(), e.toString());
                settle(orphans, false);
            }
            return Result.DONE;
        }

        @Override
        public void expired(String reason) {
            log.warn("Orphans got no TerminateInstances turn agent_id={} count={} reason={}; the next sweep queues "
                    + "them again", agentId, ids.size(), reason);
            settle(orphans, false);
        }
    }
}
