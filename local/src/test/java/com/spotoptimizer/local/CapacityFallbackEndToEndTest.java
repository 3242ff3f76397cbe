package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.ec2sim.SimInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A launch with alternatives, end to end (HTTP → workflow → demo-agent → AWS SDK → simulator): EC2 has no capacity
 * for the first type, so the second alternative runs; the simulator's ground truth shows the instance with that type.
 */
class CapacityFallbackEndToEndTest {

    @RegisterExtension
    static final LocalStackExtension e2e = new LocalStackExtension();

    @Test
    void firstTypeRefusedForCapacityRunsOnTheSecondAlternative() {
        e2e.ec2().faults().insufficientCapacity(100, "m5.large");

        Map<String, Object> accepted = e2e.client().launch(Map.of("agent_id", E2eClient.AGENT,
                "instance_type", "m5.large", "request_id", "fallback-1",
                "alternatives", List.of(Map.of("instance_type", "c5.large", "subnet_id", "subnet-0b2"))));
        String instanceId = (String) accepted.get("instance_id");

        Map<String, Object> running = e2e.client().awaitStatus(instanceId, "running_primary");
        assertThat(running).containsEntry("instance_type", "c5.large")
                .containsEntry("launched_with", Map.of("instance_type", "c5.large", "subnet_id", "subnet-0b2"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> skipped = (List<Map<String, Object>>) running.get("skipped_alternatives");
        assertThat(skipped).singleElement().satisfies(s -> {
            assertThat(s).containsEntry("instance_type", "m5.large");
            assertThat((String) s.get("reason")).startsWith("InsufficientInstanceCapacity");
        });

        List<SimInstance> inEc2 = GroundTruth.instancesOf(e2e.ec2(), instanceId);
        assertThat(inEc2).singleElement().satisfies(i -> {
            assertThat(i.instanceType()).isEqualTo("c5.large");
            assertThat(i.instanceId()).isEqualTo(running.get("ec2_instance_id"));
        });
        assertThat(e2e.client().historyTypes(instanceId))
                .containsExactly("INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_ATTEMPT", "INSTANCE_RUNNING");
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }
}
