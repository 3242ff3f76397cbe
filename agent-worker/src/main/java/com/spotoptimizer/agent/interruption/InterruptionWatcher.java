package com.spotoptimizer.agent.interruption;

import com.spotoptimizer.agent.ec2.InstanceQueries;
import com.spotoptimizer.agent.ec2.Ownership;
import com.spotoptimizer.agent.system.ApiClient;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceLifecycleType;

/**
 * Reports spot interruption notices to the api as emergencies ({@code POST /api/agents/{id}/emergency},
 * {@code kind=SPOT_INTERRUPTION}). Every interval it makes one DescribeInstances (paged by 1,000) over this
 * agent's running and shutting-down spot instances (its agent id in the ownership tags), and reports each instance newly showing EC2's
 * {@code Server.SpotInstanceTermination} state reason once. The action time is the one in the instance's
 * state transition reason ({@code Service initiated (2030-01-01 00:02:00 GMT)}), or, when EC2 gives none,
 * two minutes after the agent first saw the notice; it is fixed at first sight, so a retried report says
 * the same thing and the api's de-duplication (agent, kind, instance, action time) holds.
 *
 * <p>A report the api could not take (no answer, 408, 429, 5xx) is retried on the next poll; one it
 * refuses (any other 4xx) is logged and not retried. What was noticed is remembered for as long as EC2
 * still lists the instance (at most {@value #MAX_REMEMBERED} entries), so each interruption is reported
 * once per agent process. Rebalance recommendations are not watched: EC2 shows them only to the instance
 * itself (instance metadata) and to EventBridge, never in DescribeInstances.
 */
public final class InterruptionWatcher {

    private static final Logger log = LoggerFactory.getLogger(InterruptionWatcher.class);

    public static final String SPOT_TERMINATION_CODE = "Server.SpotInstanceTermination";
    public static final String SPOT_INTERRUPTION = "SPOT_INTERRUPTION";
    /** EC2's warning before it reclaims a spot instance: the action time when EC2 names none. */
    public static final Duration DEFAULT_NOTICE = Duration.ofMinutes(2);
    static final List<String> STATES = List.of("running", "shutting-down");
    static final int MAX_REMEMBERED = 10_000;

    /** The time in a state transition reason: EC2's {@code 2030-01-01 00:02:00 GMT}, or ISO-8601. */
    private static final Pattern REASON_TIME = Pattern.compile(
            "\\((\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)\\s*(?:GMT|UTC|Z)?\\)");

    /** What one poll saw and did. */
    public record Report(int spotInstances, List<String> noticed, List<String> reported) {
    }

    private static final class Notice {
        private final Instant actionTime;
        private boolean settled; // reported, or refused for good

        private Notice(Instant actionTime) {
            this.actionTime = actionTime;
        }
    }

    private enum Outcome { REPORTED, REFUSED, RETRY }

    private final String agentId;
    private final InstanceQueries queries;
    private final ApiClient api;
    private final Duration interval;
    private final Ec2Metrics metrics;
    private final Clock clock;
    private final Map<String, Notice> notices = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Notice> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    private final AtomicLong polls = new AtomicLong();

    public InterruptionWatcher(InstanceQueries queries, ApiClient api, Duration interval, Ec2Metrics metrics,
                               Clock clock) {
        this.agentId = api.agentId();
        this.queries = queries;
        this.api = api;
        this.interval = interval;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Time between polls; the agent's schedule ({@code AgentRuntime}) calls {@link #pollSafely()} this often. */
    public Duration interval() {
        return interval;
    }

    /** Polls completed (DescribeInstances answered) since start; tests compare it with the calls EC2 saw. */
    public long polls() {
        return polls.get();
    }

    /** One poll on the agent's schedule; a failure is logged and the next interval tries again. */
    public void pollSafely() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            log.warn("Interruption poll failed, retrying next interval agent_id={} error={}", agentId, e.toString());
        }
    }

    /** One DescribeInstances over the managed spot fleet, then a report for each notice not yet reported. */
    public synchronized Report pollOnce() {
        List<Instance> instances = queries.managedSpot(STATES);
        polls.incrementAndGet();
        Instant now = clock.instant();
        Set<String> listed = new HashSet<>();
        List<String> noticed = new ArrayList<>();
        for (Instance instance : instances) {
            listed.add(instance.instanceId());
            if (!isManagedSpot(instance) || !hasSpotTerminationReason(instance)
                    || notices.containsKey(instance.instanceId())) {
                continue;
            }
            Instant actionTime = actionTime(instance.stateTransitionReason()).orElse(now.plus(DEFAULT_NOTICE));
            notices.put(instance.instanceId(), new Notice(actionTime));
            noticed.add(instance.instanceId());
            metrics.interruption(SPOT_INTERRUPTION);
            log.warn("Spot interruption noticed agent_id={} ec2_instance_id={} instance_id={} state={} action_time={}",
                    agentId, instance.instanceId(), tag(instance, OwnershipTags.INSTANCE_ID),
                    instance.state() == null ? null : instance.state().nameAsString(), actionTime);
        }
        List<String> reported = reportPending();
        // Terminated instances drop out of the listing and never come back: forget what was settled for them.
        notices.entrySet().removeIf(e -> e.getValue().settled && !listed.contains(e.getKey()));
        return new Report(instances.size(), List.copyOf(noticed), List.copyOf(reported));
    }

    private List<String> reportPending() {
        List<String> reported = new ArrayList<>();
        for (Map.Entry<String, Notice> entry : notices.entrySet()) {
            Notice notice = entry.getValue();
            if (notice.settled) {
                continue;
            }
            Outcome outcome = report(entry.getKey(), notice.actionTime);
            if (outcome == Outcome.RETRY) {
                break; // the api is unreachable or failing: the rest wait for the next poll too
            }
            notice.settled = true;
            if (outcome == Outcome.REPORTED) {
                reported.add(entry.getKey());
            }
        }
        return reported;
    }

    private Outcome report(String ec2InstanceId, Instant actionTime) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("kind", SPOT_INTERRUPTION);
        body.put("ec2_instance_id", ec2InstanceId);
        body.put("action_time", actionTime.toString());
        try {
            ApiClient.Response response = api.post("emergency", body);
            if (response.ok()) {
                log.info("Spot interruption reported agent_id={} ec2_instance_id={} action_time={}", agentId,
                        ec2InstanceId, actionTime);
                return Outcome.REPORTED;
            }
            if (response.retryable()) {
                log.warn("Spot interruption report failed, retrying next poll agent_id={} ec2_instance_id={} status={}",
                        agentId, ec2InstanceId, response.status());
                return Outcome.RETRY;
            }
            log.error("Spot interruption report refused agent_id={} ec2_instance_id={} status={} body={}", agentId,
                    ec2InstanceId, response.status(), response.body());
            return Outcome.REFUSED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.RETRY;
        } catch (IOException | RuntimeException e) {
            log.warn("Spot interruption report failed, retrying next poll agent_id={} ec2_instance_id={} error={}",
                    agentId, ec2InstanceId, e.toString());
            return Outcome.RETRY;
        }
    }

    /** The filters already ask for this; checked again so a listing that ignored one never reports a stranger. */
    private boolean isManagedSpot(Instance instance) {
        return instance.instanceLifecycle() == InstanceLifecycleType.SPOT && Ownership.isOwnedBy(instance, agentId);
    }

    static boolean hasSpotTerminationReason(Instance instance) {
        return instance.stateReason() != null && SPOT_TERMINATION_CODE.equals(instance.stateReason().code());
    }

    /** The time in a state transition reason such as {@code Service initiated (2030-01-01 00:02:00 GMT)}. */
    static Optional<Instant> actionTime(String stateTransitionReason) {
        if (stateTransitionReason == null) {
            return Optional.empty();
        }
        Matcher m = REASON_TIME.matcher(stateTransitionReason);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(m.group(1) + "T" + m.group(2) + "Z"));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String tag(Instance instance, String key) {
        return Ownership.tag(instance, key);
    }
}
