package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.ec2sim.Ec2Faults.DropMode;
import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.SimCall;
import com.spotoptimizer.ec2sim.SimInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EC2 misbehaving under a launch, end to end (HTTP → workflow → demo-agent → AWS SDK → simulator): each
 * test injects a fault (capacity, throttling, a lost RunInstances answer), then reads the simulator's ground
 * truth to prove exactly one instance per launch, no running instance without a live row and no row left in
 * launching or terminating.
 */
class Ec2FaultsEndToEndTest {

    private static LocalStack stack;
    private static E2eClient client;
    private static Ec2Simulator ec2;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start();
        client = new E2eClient(stack);
        ec2 = stack.app().ec2();
    }

    @AfterEach
    void clearFaults() {
        ec2.faults().clear();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void capacityRefusalEndsLaunchFailedWithTheReasonAndNoInstance() {
        long runsBefore = ec2.callCount("RunInstances");
        ec2.faults().insufficientCapacity(1);

        String instanceId = client.launchId("capacity-refused");

        Map<String, Object> failed = client.awaitStatus(instanceId, "launch_failed");
        assertThat((String) failed.get("failure_reason")).startsWith("InsufficientInstanceCapacity");
        assertThat(failed.get("ec2_instance_id")).isNull();
        List<Map<String, Object>> history = client.history(instanceId);
        assertThat(history).extracting(e -> e.get("type")).containsExactly("INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_FAILED");
        assertThat((String) history.get(1).get("reason")).isEqualTo(failed.get("failure_reason"));
        assertThat(GroundTruth.instancesOf(ec2, instanceId)).isEmpty();
        assertThat(ec2.callCount("RunInstances") - runsBefore).as("a capacity refusal is not retried").isEqualTo(1);
        GroundTruth.assertNothingLeakedOrStuck(stack, client, Duration.ofSeconds(10));
    }

    @Test
    void throttlingStormDuringConcurrentLaunchesEndsWithOneRunningInstanceEach() {
        ec2.faults().throttleNext(10);

        List<String> instanceIds = E2eClient.concurrently(5, i -> client.launchId("throttled-" + i));

        for (String instanceId : instanceIds) {
            Map<String, Object> running = client.awaitStatus(instanceId, Duration.ofSeconds(45), "running_primary");
            assertThat(GroundTruth.instancesOf(ec2, instanceId)).extracting(SimInstance::instanceId)
                    .containsExactly((String) running.get("ec2_instance_id"));
        }
        assertThat(ec2.calls()).filteredOn(c -> "RequestLimitExceeded".equals(c.outcome()))
                .as("the storm hit").hasSize(10);
        GroundTruth.assertNothingLeakedOrStuck(stack, client, Duration.ofSeconds(10));
    }

    @Test
    void lostRunInstancesResponseIsRepeatedWithTheSameClientTokenForOneInstance() {
        ec2.faults().dropRunInstancesResponses(1, DropMode.CLOSE);

        String instanceId = client.launchId("response-lost");

        Map<String, Object> running = client.awaitStatus(instanceId, "running_primary");
        List<SimInstance> launched = GroundTruth.instancesOf(ec2, instanceId);
        assertThat(launched).extracting(SimInstance::instanceId).containsExactly((String) running.get("ec2_instance_id"));
        List<SimCall> runs = GroundTruth.runInstancesCallsOf(ec2, launched.get(0).clientToken());
        assertThat(runs).extracting(SimCall::outcome).as("the lost answer, then the repeat").containsExactly("dropped", "ok");
        GroundTruth.assertNothingLeakedOrStuck(stack, client, Duration.ofSeconds(10));
    }

}
