package com.spotoptimizer.workflows.orphan;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

public class OrphanCheckWorkflowImpl implements OrphanCheckWorkflow {

    private final InstanceRegistryActivities registry = Workflow.newActivityStub(InstanceRegistryActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    // A sweep runs again in a few minutes: never retry one for long.
                    .setScheduleToCloseTimeout(Duration.ofMinutes(1))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
                    .build());

    @Override
    public List<TaggedInstance> check(String agentId, List<TaggedInstance> candidates) {
        return registry.findOrphans(agentId, candidates);
    }
}
