package com.spotoptimizer.agent.testing;

import com.spotoptimizer.workflows.orphan.InstanceRegistryActivities;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The control plane's answer to "which of these have no live row": every stable id not marked live. */
public final class FakeInstanceRegistry implements InstanceRegistryActivities {

    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final List<List<TaggedInstance>> asked = new CopyOnWriteArrayList<>();

    public void markLive(String instanceId) {
        live.add(instanceId);
    }

    /** Every candidate list the agent sent, oldest first. */
    public List<List<TaggedInstance>> asked() {
        return asked;
    }

    @Override
    public List<TaggedInstance> findOrphans(String agentId, List<TaggedInstance> candidates) {
        asked.add(List.copyOf(candidates));
        return candidates.stream().filter(c -> c.instanceId() == null || !live.contains(c.instanceId())).toList();
    }
}
