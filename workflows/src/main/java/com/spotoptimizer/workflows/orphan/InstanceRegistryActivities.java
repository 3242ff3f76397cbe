package com.spotoptimizer.workflows.orphan;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Read-only questions the agent's orphan sweep asks the control plane (implemented by the api process). */
@ActivityInterface
public interface InstanceRegistryActivities {

    /**
     * Of the given EC2 instances (found by their ownership tags), the ones the control plane has no
     * live row for: no row at all, or a row that is terminated, failed or timed out. An instance whose
     * row is launching or terminating is not an orphan: its workflow still owns it.
     */
    List<TaggedInstance> findOrphans(String agentId, List<TaggedInstance> candidates);
}
