package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceStatus;
import com.spotoptimizer.workflows.orphan.InstanceRegistryActivities;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/** Answers the agents' orphan sweeps from the instance table. */
@Component("instanceRegistryActivities")
public class InstanceRegistryActivitiesImpl implements InstanceRegistryActivities {

    /** Rows in these states no longer own an EC2 instance: one that still runs is an orphan. */
    private static final Set<InstanceStatus> DEAD = EnumSet.of(InstanceStatus.TERMINATED, InstanceStatus.LAUNCH_FAILED,
            InstanceStatus.LAUNCH_TIMED_OUT, InstanceStatus.TERMINATION_FAILED, InstanceStatus.TERMINATION_TIMED_OUT);

    private final InstanceRepository instances;

    public InstanceRegistryActivitiesImpl(InstanceRepository instances) {
        this.instances = instances;
    }

    @Override
    public List<TaggedInstance> findOrphans(String agentId, List<TaggedInstance> candidates) {
        return Flux.fromIterable(candidates)
                .concatMap(candidate -> {
                    var stable = InstanceRepository.parseUuid(candidate.instanceId());
                    if (stable == null) {
                        return Flux.just(candidate);
                    }
                    // Another agent's row is never this agent's orphan, whatever its tags claim: only the agent
                    // the row names may terminate its instance.
                    return instances.findById(stable)
                            .map(row -> row.agentId().equals(agentId)
                                    && isOrphan(row.status(), row.ec2InstanceId(), candidate))
                            .defaultIfEmpty(true)
                            .filter(Boolean::booleanValue)
                            .map(orphan -> candidate)
                            .flux();
                })
                .collectList()
                .block(Duration.ofSeconds(25));
    }

    private static boolean isOrphan(InstanceStatus status, String rowEc2Id, TaggedInstance candidate) {
        if (DEAD.contains(status)) {
            return true;
        }
        // A live row that names another EC2 instance: this one is a duplicate nobody tracks.
        return rowEc2Id != null && !rowEc2Id.equals(candidate.ec2InstanceId());
    }
}
