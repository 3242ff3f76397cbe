package com.spotoptimizer.agent.testing;

import com.spotoptimizer.workflows.orphan.InstanceRegistryActivities;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The control plane's answer to "which of these have no live row": every stable id not marked live (for
 * every agent, or for the asking agent).
 */
public final class FakeInstanceRegistry implements InstanceRegistryActivities {

    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> liveByAgent = new ConcurrentHashMap<>();
    private final List<String> askedBy = new CopyOnWriteArrayList<>();
    private final List<List<TaggedInstance>> asked = new CopyOnWriteArrayList<>();

    public void markLive(String instanceId) {
        live.add(instanceId);
    }

    /** A live row of {@code agentId}: live for that agent's sweep only, as the api's registry answers. */
    public void markLive(String agentId, String instanceId) {
        liveByAgent.computeIfAbsent(agentId, a -> ConcurrentHashMap.newKeySet()).add(instanceId);
    }

    /** The agent of each list in {@link #asked()}. */
    public List<String> askedBy() {
        return askedBy;
    }

    /** Every candidate list the agent sent, oldest first. */
    public List<List<TaggedInstance>> asked() {
        return asked;
    }

    @Override
    public List<TaggedInstance> findOrphans(String agentId, List<TaggedInstance> candidates) {
        asked.add(List.copyOf(candidates));
        askedBy.add(agentId);
        Set<String> agentsLive = liveByAgent.getOrDefault(agentId, Set.of());
        return candidates.stream().filter(c -> c.instanceId() == null
                || !(live.contains(c.instanceId()) || agentsLive.contains(c.instanceId()))).toList();
    }
}
