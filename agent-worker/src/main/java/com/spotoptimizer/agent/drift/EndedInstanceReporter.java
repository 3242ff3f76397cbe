package com.spotoptimizer.agent.drift;

import com.spotoptimizer.agent.drift.InstanceStateReports.InstanceStateReport;
import com.spotoptimizer.agent.drift.InstanceStateReports.Outcome;
import com.spotoptimizer.agent.ec2.InstanceQueries;
import com.spotoptimizer.agent.ec2.OwnTerminations;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Ground truth wins: every poll interval, one DescribeInstances (paged by 1,000) over this agent's
 * instances that EC2 shows {@code shutting-down} or {@code terminated}. Each one the agent is not ending
 * itself (not in flight in the watcher, not terminated by this agent lately) is reported once to the api,
 * which moves its running row to {@code terminated}: {@code spot_interruption} when EC2's state reason is
 * {@code Server.SpotInstanceTermination}, else {@code terminated_outside} (a console user, another tool).
 *
 * <p>A report the api could not take is retried next poll; meanwhile it counts in the
 * {@code spot.ended.instances.unacknowledged} gauge. Settled ids are remembered for {@link #REMEMBER}
 * (EC2 lists a terminated instance for about an hour) and at most {@link #MAX_REMEMBERED}; after a
 * restart the agent may report one again, which the api takes as a no-op.
 */
public final class EndedInstanceReporter {

    private static final Logger log = LoggerFactory.getLogger(EndedInstanceReporter.class);

    public static final List<String> ENDED_STATES = List.of("shutting-down", "terminated");
    public static final String SPOT_TERMINATION_CODE = "Server.SpotInstanceTermination";
    public static final String SPOT_INTERRUPTION = "spot_interruption";
    public static final String TERMINATED_OUTSIDE = "terminated_outside";
    static final Duration REMEMBER = Duration.ofHours(2);
    static final int MAX_REMEMBERED = 100_000;

    /** What one poll saw and did. */
    public record Report(int ended, List<String> noticed, List<String> acknowledged) {
    }

    private static final class Pending {
        private String state;
        private final String reason;

        private Pending(String state, String reason) {
            this.state = state;
            this.reason = reason;
        }
    }

    private final String agentId;
    private final InstanceQueries queries;
    private final InstanceStateReports reports;
    private final Supplier<Set<String>> inFlight;
    private final OwnTerminations own;
    private final Ec2Metrics metrics;
    private final Clock clock;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final LinkedHashMap<String, Instant> settled = new LinkedHashMap<>();
    private volatile int unacknowledged;
    private long polls;

    public EndedInstanceReporter(InstanceQueries queries, InstanceStateReports reports, Supplier<Set<String>> inFlight,
                                 OwnTerminations own, Ec2Metrics metrics, Clock clock) {
        this.agentId = queries.agentId();
        this.queries = queries;
        this.reports = reports;
        this.inFlight = inFlight;
        this.own = own;
        this.metrics = metrics;
        this.clock = clock;
        metrics.endedUnacknowledged(this, EndedInstanceReporter::unacknowledged);
    }

    /** Ended instances seen and not yet acknowledged by the api (the gauge). */
    public int unacknowledged() {
        return unacknowledged;
    }

    public synchronized long polls() {
        return polls;
    }

    /** Runs on the agent's schedule; a failure is logged and the next interval tries again. */
    public void pollSafely() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            log.warn("Ended instance poll failed, retrying next interval agent_id={} error={}", agentId, e.toString());
        }
    }

    /** One DescribeInstances over this agent's ended instances, then a report for each one not yet settled. */
    public synchronized Report pollOnce() {
        List<Instance> ended = queries.managed(ENDED_STATES);
        polls++;
        Instant now = clock.instant();
        expire(now);
        Set<String> watched = inFlight.get();
        List<String> noticed = new ArrayList<>();
        for (Instance instance : ended) {
            String id = instance.instanceId();
            String state = instance.state() == null ? "terminated" : instance.state().nameAsString();
            Pending known = pending.get(id);
            if (known != null) {
                known.state = state; // report what EC2 shows now
                continue;
            }
            if (settled.containsKey(id) || watched.contains(id) || own.contains(id)) {
                continue;
            }
            String reason = instance.stateReason() != null && SPOT_TERMINATION_CODE.equals(instance.stateReason().code())
                    ? SPOT_INTERRUPTION : TERMINATED_OUTSIDE;
            pending.put(id, new Pending(state, reason));
            noticed.add(id);
            metrics.endedInstance(reason);
            log.warn("Instance ended outside the agent agent_id={} ec2_instance_id={} instance_id={} state={} reason={} "
                            + "state_reason={}", agentId, id, tag(instance), state, reason,
                    instance.stateReason() == null ? null : instance.stateReason().code());
        }
        List<String> acknowledged = reportPending(now);
        unacknowledged = pending.size();
        return new Report(ended.size(), List.copyOf(noticed), List.copyOf(acknowledged));
    }

    private List<String> reportPending(Instant now) {
        List<String> acknowledged = new ArrayList<>();
        Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Pending> entry = it.next();
            Outcome outcome = reports.report(new InstanceStateReport(entry.getKey(), entry.getValue().state,
                    entry.getValue().reason));
            if (outcome == Outcome.RETRY) {
                break; // the api is unreachable or failing: the rest wait for the next poll too
            }
            it.remove();
            settled.put(entry.getKey(), now);
            if (outcome == Outcome.ACKNOWLEDGED) {
                acknowledged.add(entry.getKey());
            }
        }
        return acknowledged;
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(REMEMBER);
        Iterator<Map.Entry<String, Instant>> oldest = settled.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<String, Instant> entry = oldest.next();
            if (settled.size() > MAX_REMEMBERED || entry.getValue().isBefore(cutoff)) {
                oldest.remove();
            } else {
                break;
            }
        }
    }

    private static String tag(Instance instance) {
        return com.spotoptimizer.agent.ec2.Ownership.tag(instance, OwnershipTags.INSTANCE_ID);
    }
}
