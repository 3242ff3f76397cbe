package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.SimCall;
import com.spotoptimizer.ec2sim.SimInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent-worker dies between RunInstances and its confirmation, and a new one takes over the task
 * queue: the retried launch activity repeats RunInstances with the same ClientToken and gets the same
 * instance back, so the launch ends running with exactly one EC2 instance. A 4 s simulated launch keeps
 * the instance pending long enough to stop the agent while it watches it.
 */
class AgentRestartEndToEndTest {

    private static final Duration LAUNCH_DELAY = Duration.ofSeconds(4);

    private static LocalStack stack;
    private static E2eClient client;
    private static Ec2Simulator ec2;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(LAUNCH_DELAY, Duration.ofMillis(200), Duration.ofMillis(100));
        client = new E2eClient(stack);
        ec2 = stack.app().ec2();
    }

    @AfterEach
    void agentIsBack() {
        stack.app().startDemoAgent();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void launchEndsRunningWithTheSameInstanceWhenTheAgentRestartsWhileItIsPending() {
        String instanceId = client.launchId("restart-while-pending");
        SimInstance launched = awaitLaunchedInEc2(instanceId);
        assertThat(launched.state()).isEqualTo("pending");

        stack.app().stopDemoAgent();
        assertThat(client.get(instanceId)).containsEntry("status", "launching");
        stack.app().startDemoAgent();

        Map<String, Object> running = client.awaitStatus(instanceId, "running_primary");
        assertOneInstanceLaunchedTwice(instanceId, launched, running);
        GroundTruth.assertNothingLeakedOrStuck(stack, client, Duration.ofSeconds(10));
    }

    @Test
    void launchEndsRunningWithTheSameInstanceWhenItCameUpWhileTheAgentWasDown() {
        String instanceId = client.launchId("restart-after-running");
        SimInstance launched = awaitLaunchedInEc2(instanceId);

        stack.app().stopDemoAgent();
        Awaitility.await("the instance runs while no agent watches it").atMost(LAUNCH_DELAY.plusSeconds(5))
                .until(() -> ec2.instance(launched.instanceId()).orElseThrow().state(), "running"::equals);
        assertThat(client.get(instanceId)).as("nobody confirmed it yet").containsEntry("status", "launching");
        stack.app().startDemoAgent();

        Map<String, Object> running = client.awaitStatus(instanceId, "running_primary");
        assertOneInstanceLaunchedTwice(instanceId, launched, running);
        GroundTruth.assertNothingLeakedOrStuck(stack, client, Duration.ofSeconds(10));
    }

    /** The agent has called RunInstances: the launch's instance exists in EC2. */
    private static SimInstance awaitLaunchedInEc2(String instanceId) {
        List<SimInstance> launched = Awaitility.await("RunInstances for " + instanceId).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> GroundTruth.instancesOf(ec2, instanceId), list -> !list.isEmpty());
        assertThat(launched).hasSize(1);
        return launched.get(0);
    }

    private static void assertOneInstanceLaunchedTwice(String instanceId, SimInstance launched,
                                                       Map<String, Object> running) {
        assertThat(running.get("ec2_instance_id")).as("the instance the first agent launched")
                .isEqualTo(launched.instanceId());
        assertThat(GroundTruth.instancesOf(ec2, instanceId)).extracting(SimInstance::instanceId)
                .containsExactly(launched.instanceId());
        assertThat(ec2.instance(launched.instanceId()).orElseThrow().state()).isEqualTo("running");
        List<SimCall> runs = GroundTruth.runInstancesCallsOf(ec2, launched.clientToken());
        assertThat(runs).as("the new agent repeated RunInstances with the same ClientToken").hasSizeGreaterThanOrEqualTo(2)
                .allMatch(SimCall::succeeded);
        assertThat(client.historyTypes(instanceId)).containsExactly("INSTANCE_LAUNCHING", "INSTANCE_RUNNING");
    }
}
