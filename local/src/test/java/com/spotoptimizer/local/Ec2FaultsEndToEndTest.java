package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.ec2sim.Ec2Faults.DropMode;
import com.spotoptimizer.ec2sim.SimCall;
import com.spotoptimizer.ec2sim.SimInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * EC2 misbehaving under a launch, end to end (HTTP → workflow → demo-agent → AWS SDK → simulator): each
 * test injects a fault (capacity, throttling, a lost RunInstances answer), then reads the simulator's ground
 * truth to prove exactly one instance per launch, no running instance without a live row and no row left in
 * launching or terminating.
 */
class Ec2FaultsEndToEndTest {

    @RegisterExtension
    static final LocalStackExtension e2e = new LocalStackExtension();

    @Test
    void capacityRefusalEndsLaunchFailedWithTheReasonAndNoInstance() {
        long runsBefore = e2e.ec2().callCount("RunInstances");
        e2e.ec2().faults().insufficientCapacity(1);

        String instanceId = e2e.client().launchId("capacity-refused");

        Map<String, Object> failed = e2e.client().awaitStatus(instanceId, "launch_failed");
        assertThat((String) failed.get("failure_reason")).startsWith("InsufficientInstanceCapacity");
        assertThat(failed.get("ec2_instance_id")).isNull();
        List<Map<String, Object>> history = e2e.client().history(instanceId);
        assertThat(history).extracting(e -> e.get("type")).containsExactly("INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_FAILED");
        assertThat((String) history.get(1).get("reason")).isEqualTo(failed.get("failure_reason"));
        assertThat(GroundTruth.instancesOf(e2e.ec2(), instanceId)).isEmpty();
        assertThat(e2e.ec2().callCount("RunInstances") - runsBefore).as("a capacity refusal is not retried").isEqualTo(1);
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }

    @Test
    void throttlingStormDuringConcurrentLaunchesEndsWithOneRunningInstanceEach() {
        e2e.ec2().faults().throttleNext(10);

        List<String> instanceIds = E2eClient.concurrently(5, i -> e2e.client().launchId("throttled-" + i));

        for (String instanceId : instanceIds) {
            Map<String, Object> running = e2e.client().awaitStatus(instanceId, Duration.ofSeconds(45), "running_primary");
            assertThat(GroundTruth.instancesOf(e2e.ec2(), instanceId)).extracting(SimInstance::instanceId)
                    .containsExactly((String) running.get("ec2_instance_id"));
        }
        assertThat(e2e.ec2().calls()).filteredOn(c -> "RequestLimitExceeded".equals(c.outcome()))
                .as("the storm hit").hasSize(10);
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }

    @Test
    void lostRunInstancesResponseIsRepeatedWithTheSameClientTokenForOneInstance() {
        e2e.ec2().faults().dropRunInstancesResponses(1, DropMode.CLOSE);

        String instanceId = e2e.client().launchId("response-lost");

        Map<String, Object> running = e2e.client().awaitStatus(instanceId, "running_primary");
        List<SimInstance> launched = GroundTruth.instancesOf(e2e.ec2(), instanceId);
        assertThat(launched).extracting(SimInstance::instanceId).containsExactly((String) running.get("ec2_instance_id"));
        List<SimCall> runs = GroundTruth.runInstancesCallsOf(e2e.ec2(), launched.get(0).clientToken());
        assertThat(runs).extracting(SimCall::outcome).as("the lost answer, then the repeat").containsExactly("dropped", "ok");
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }

}
