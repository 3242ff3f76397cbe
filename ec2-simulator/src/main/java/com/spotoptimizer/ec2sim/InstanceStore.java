package com.spotoptimizer.ec2sim;

import com.spotoptimizer.ec2sim.Ec2SimulatorConfig.Timing;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one owner of instance state. Every mutation happens under this object's lock, so concurrent
 * RunInstances calls with the same ClientToken create one reservation, never two.
 */
final class InstanceStore {

    static final String DEFAULT_SUBNET_ID = "subnet-0a1b2c3d4e5f60718";

    /** What a RunInstances asked for, already validated. */
    record LaunchSpec(String imageId, String instanceType, int count, String clientToken, String subnetId,
                      boolean spot, Map<String, String> tags, Map<String, String> fingerprint) {
    }

    record LaunchResult(String reservationId, List<InstanceRecord> instances, boolean replay) {
    }

    record Transition(InstanceRecord instance, InstanceState previous, InstanceState current) {
    }

    private record Launch(String reservationId, Map<String, String> fingerprint, List<String> instanceIds) {
    }

    private final Map<String, InstanceRecord> instances = new LinkedHashMap<>();
    private final Map<String, Launch> launchesByToken = new HashMap<>();
    private final Random random;
    private int addressCounter;

    InstanceStore(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Forgets every instance and ClientToken. The id sequence goes on: an id is never handed out twice by one
     * simulator, so work left over from before a reset (a late watch, a termination by EC2 id) can never act on
     * an instance launched after it, as it did when every reset restarted the sequence at the same ids.
     */
    synchronized void reset() {
        instances.clear();
        launchesByToken.clear();
        addressCounter = 0;
    }

    /**
     * Launches {@code spec.count()} instances, or replays the earlier launch with the same ClientToken.
     * {@code beforeCreate} runs only when instances would really be created, so an idempotent replay never
     * consumes an injected capacity fault.
     */
    synchronized LaunchResult launch(LaunchSpec spec, Instant now, Timing timing,
                                     Supplier<Optional<Ec2Error>> beforeCreate) {
        if (spec.clientToken() != null) {
            Launch earlier = launchesByToken.get(spec.clientToken());
            if (earlier != null) {
                if (!earlier.fingerprint().equals(spec.fingerprint())) {
                    throw new Ec2Error("IdempotentParameterMismatch", "Arguments on this idempotent request are "
                            + "inconsistent with arguments used in previous request(s).");
                }
                return new LaunchResult(earlier.reservationId(),
                        earlier.instanceIds().stream().map(instances::get).toList(), true);
            }
        }
        beforeCreate.get().ifPresent(error -> {
            throw error;
        });
        String reservationId = newId("r-");
        List<InstanceRecord> created = new ArrayList<>();
        for (int index = 0; index < spec.count(); index++) {
            InstanceRecord record = new InstanceRecord(newId("i-"), reservationId, spec.imageId(),
                    spec.instanceType(), spec.clientToken(),
                    spec.subnetId() == null ? DEFAULT_SUBNET_ID : spec.subnetId(), nextPrivateIp(), index,
                    spec.spot(), now, now.plus(timing.consistencyWindow()), now.plus(timing.launchDelay()),
                    null, null, spec.tags(), null, null);
            instances.put(record.instanceId(), record);
            created.add(record);
        }
        if (spec.clientToken() != null) {
            launchesByToken.put(spec.clientToken(), new Launch(reservationId, spec.fingerprint(),
                    created.stream().map(InstanceRecord::instanceId).toList()));
        }
        return new LaunchResult(reservationId, List.copyOf(created), false);
    }

    /** Moves each instance to shutting-down; all ids must exist or nothing changes, as in EC2. */
    synchronized List<Transition> terminate(List<String> ids, Instant now, Timing timing) {
        requireExisting(ids, now, timing);
        List<Transition> transitions = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            InstanceRecord before = instances.get(id);
            InstanceRecord after = before.terminateRequestedAt() != null
                    ? before // already on its way: repeating the call changes nothing
                    : before.terminating(now, now.plus(timing.terminateDelay()));
            instances.put(id, after);
            transitions.add(new Transition(after, before.stateAt(now), after.stateAt(now)));
        }
        return transitions;
    }

    /**
     * Gives a running spot instance EC2's two-minute warning (or {@code notice}): it shows the spot-termination
     * state reason from now on, starts shutting down at the action time and is terminated a terminate delay
     * later. The action time is rounded up to whole seconds, as EC2 reports it, so the notice is never shorter.
     */
    synchronized InstanceRecord interruptSpot(String id, Instant now, Duration notice, Timing timing) {
        InstanceRecord before = instances.get(id);
        if (before == null || isGone(before, now, timing)) {
            throw new NoSuchElementException("no such instance: " + id);
        }
        if (!before.spot()) {
            throw new IllegalStateException(id + " is not a spot instance");
        }
        if (before.interruptionNoticeAt() != null) {
            throw new IllegalStateException(id + " already has an interruption notice");
        }
        InstanceState state = before.stateAt(now);
        if (state != InstanceState.RUNNING) {
            throw new IllegalStateException(id + " is " + state.wireName() + ", not running");
        }
        Instant exact = now.plus(notice);
        Instant actionAt = exact.truncatedTo(ChronoUnit.SECONDS);
        if (actionAt.isBefore(exact)) {
            actionAt = actionAt.plusSeconds(1);
        }
        InstanceRecord after = before.interrupted(now, actionAt, actionAt.plus(timing.terminateDelay()));
        instances.put(id, after);
        return after;
    }

    synchronized void createTags(List<String> ids, Map<String, String> tags, Instant now, Timing timing) {
        requireExisting(ids, now, timing);
        for (String id : ids) {
            instances.computeIfPresent(id, (k, record) -> record.withTags(tags));
        }
    }

    synchronized List<InstanceRecord> all() {
        return List.copyOf(instances.values());
    }

    synchronized Optional<InstanceRecord> find(String id) {
        return Optional.ofNullable(instances.get(id));
    }

    private void requireExisting(List<String> ids, Instant now, Timing timing) {
        Set<String> missing = new LinkedHashSet<>();
        for (String id : ids) {
            InstanceRecord record = instances.get(id);
            if (record == null || isGone(record, now, timing)) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            throw Ec2Error.notFound(missing);
        }
    }

    /** Terminated longer ago than the retention: EC2 no longer knows the id. */
    static boolean isGone(InstanceRecord record, Instant now, Timing timing) {
        return record.terminatedAt() != null
                && !now.isBefore(record.terminatedAt().plus(timing.terminatedRetention()));
    }

    /** What DescribeInstances may show: past the consistency window and not yet forgotten. */
    static boolean isDescribable(InstanceRecord record, Instant now, Timing timing) {
        return !now.isBefore(record.visibleAt()) && !isGone(record, now, timing);
    }

    private String newId(String prefix) {
        while (true) {
            StringBuilder id = new StringBuilder(prefix);
            for (int i = 0; i < 17; i++) {
                id.append(Character.forDigit(random.nextInt(16), 16));
            }
            String candidate = id.toString();
            if (!instances.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    private String nextPrivateIp() {
        int n = addressCounter++;
        return "10.0." + (n / 250 % 256) + "." + (n % 250 + 4);
    }
}
