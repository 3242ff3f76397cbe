package com.spotoptimizer.api.groundtruth;

import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceTransitions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * EC2 is the truth and the record follows it: an agent reports an instance that EC2 ended without us (a spot
 * reclaim, the console, another tool), and a settled row becomes {@code terminated} with that reason. A row in
 * a launch or a termination is left to its workflow, which hears the same from its agent.
 */
@Service
public class GroundTruthService {

    private static final Logger log = LoggerFactory.getLogger(GroundTruthService.class);

    private final InstanceRepository instances;
    private final InstanceTransitions transitions;
    private final MeterRegistry registry;
    private final Clock clock;

    public GroundTruthService(InstanceRepository instances, InstanceTransitions transitions, MeterRegistry registry,
                              Clock clock) {
        this.instances = instances;
        this.transitions = transitions;
        this.registry = registry;
        this.clock = clock;
    }

    public Mono<InstanceStateAnswer> instanceEnded(String agentId, InstanceStateReport report) {
        return instances.findForAgent(agentId, report.ec2InstanceId())
                .switchIfEmpty(Mono.error(() -> Problems.notFound("instance " + report.ec2InstanceId() + " of agent "
                        + agentId)))
                .flatMap(row -> transitions.endedOutside(row.instanceId(), report.reason(), clock.instant()))
                .map(result -> {
                    if (result.changed()) {
                        ended(report.reason()).increment();
                        log.warn("Instance ended outside the control plane instance_id={} ec2_instance_id={} "
                                        + "agent_id={} reason={}", result.row().instanceId(), report.ec2InstanceId(),
                                agentId, report.reason());
                    }
                    return new InstanceStateAnswer(result.row().instanceId().toString(), result.row().ec2InstanceId(),
                            result.row().status().value(), result.row().failureReason(), result.changed());
                });
    }

    private Counter ended(String reason) {
        return Counter.builder("spot_instances_ended_outside")
                .description("Rows moved to terminated because EC2 reported the instance ended without us")
                .tag("reason", reason)
                .register(registry);
    }
}
