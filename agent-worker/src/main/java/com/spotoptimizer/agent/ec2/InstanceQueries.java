package com.spotoptimizer.agent.ec2;

import com.spotoptimizer.workflows.agent.OwnershipTags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * The agent's DescribeInstances calls. All of them use filters, never {@code InstanceId.N}: a filter
 * simply leaves out an instance that is not visible yet (EC2 is eventually consistent right after
 * RunInstances), where an id list fails the whole call with {@code InvalidInstanceID.NotFound}.
 * Pages are 1,000 instances, EC2's maximum.
 */
public final class InstanceQueries {

    /**
     * Up to this many ids are asked for by an {@code instance-id} filter; beyond it one scan of every
     * instance carrying the ownership tag is cheaper than several id-filtered calls, and stays one call
     * per 1,000 managed instances however many are in flight.
     */
    public static final int MAX_ID_FILTER_VALUES = 200;
    static final int PAGE_SIZE = 1000;

    public static final List<String> LIVE_STATES = List.of("pending", "running", "stopping", "stopped");

    private final Ec2Client ec2;
    private final String agentId;

    /** Queries for the agent {@code agentId}: what it sweeps and watches is what carries its agent-id tag. */
    public InstanceQueries(Ec2Client ec2, String agentId) {
        this.ec2 = ec2;
        this.agentId = agentId;
    }

    public String agentId() {
        return agentId;
    }

    /** The current view of these instances; an id that is missing from the map is not visible (yet, or any more). */
    public Map<String, Instance> byIds(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Set<String> wanted = Set.copyOf(ids);
        List<Filter> filters = wanted.size() <= MAX_ID_FILTER_VALUES
                ? List.of(filter("instance-id", wanted))
                : List.of(filter("tag:" + OwnershipTags.MANAGED_BY, List.of(OwnershipTags.MANAGED_BY_VALUE)));
        Map<String, Instance> found = new LinkedHashMap<>();
        for (Instance instance : describe(filters)) {
            if (wanted.contains(instance.instanceId())) {
                found.put(instance.instanceId(), instance);
            }
        }
        return found;
    }

    /**
     * Instances launched with any of these ClientTokens or tagged with any of these stable instance ids
     * (terminations whose launch never confirmed): one call per kind asked for (a page per 1,000, a call per
     * {@value #MAX_ID_FILTER_VALUES} values), however many terminations are searching.
     */
    public Map<String, Instance> byClientTokensOrStableIds(Collection<String> clientTokens,
                                                           Collection<String> stableIds) {
        Map<String, Instance> found = new LinkedHashMap<>();
        for (List<String> chunk : chunks(clientTokens)) {
            describe(List.of(filter("client-token", chunk))).forEach(i -> found.put(i.instanceId(), i));
        }
        for (List<String> chunk : chunks(stableIds)) {
            describe(List.of(filter("tag:" + OwnershipTags.INSTANCE_ID, chunk)))
                    .forEach(i -> found.put(i.instanceId(), i));
        }
        return found;
    }

    /** Instances launched with this ClientToken (a launch whose EC2 id was never confirmed). */
    public List<Instance> byClientToken(String clientToken) {
        return describe(List.of(filter("client-token", List.of(clientToken))));
    }

    /** Instances tagged with this stable instance id (every launch attempt for one row, whatever its type). */
    public List<Instance> byStableId(String instanceId) {
        return describe(List.of(filter("tag:" + OwnershipTags.INSTANCE_ID, List.of(instanceId))));
    }

    /**
     * Every instance of this agent (this system's ownership tag and this agent's id) in one of {@code states}:
     * one paged call. Another agent's instance, or one without an agent id, is never returned. The tags are
     * checked again on the answer, so a listing that ignored a filter never hands over a stranger.
     */
    public List<Instance> managed(Collection<String> states) {
        return owned(describe(List.of(
                filter("tag:" + OwnershipTags.MANAGED_BY, List.of(OwnershipTags.MANAGED_BY_VALUE)),
                filter("tag:" + OwnershipTags.AGENT_ID, List.of(agentId)),
                filter("instance-state-name", states))));
    }

    /**
     * Every spot instance of this agent in one of {@code states}: one paged call (a page per 1,000
     * instances), however large the fleet.
     */
    public List<Instance> managedSpot(Collection<String> states) {
        return owned(describe(List.of(
                filter("tag:" + OwnershipTags.MANAGED_BY, List.of(OwnershipTags.MANAGED_BY_VALUE)),
                filter("tag:" + OwnershipTags.AGENT_ID, List.of(agentId)),
                filter("instance-state-name", states),
                filter("instance-lifecycle", List.of("spot")))));
    }

    private List<Instance> owned(List<Instance> instances) {
        return instances.stream().filter(i -> Ownership.isOwnedBy(i, agentId)).toList();
    }

    private List<Instance> describe(List<Filter> filters) {
        DescribeInstancesRequest request = DescribeInstancesRequest.builder()
                .filters(filters).maxResults(PAGE_SIZE).build();
        List<Instance> instances = new ArrayList<>();
        ec2.describeInstancesPaginator(request).reservations()
                .forEach(reservation -> instances.addAll(reservation.instances()));
        return instances;
    }

    private static List<List<String>> chunks(Collection<String> values) {
        List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(values));
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < distinct.size(); from += MAX_ID_FILTER_VALUES) {
            chunks.add(distinct.subList(from, Math.min(distinct.size(), from + MAX_ID_FILTER_VALUES)));
        }
        return chunks;
    }

    private static Filter filter(String name, Collection<String> values) {
        return Filter.builder().name(name).values(values).build();
    }
}
