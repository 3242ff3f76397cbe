package com.spotoptimizer.agent.ec2;

import static com.spotoptimizer.agent.testing.AgentTestEnvironment.awaitUntil;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.AgentRuntime;
import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InstanceWatcherTest {

    private static final int LAUNCHES = 50;

    private static AgentTestEnvironment test;
    private static MeterRegistry meters;
    private static AgentRuntime agent;

    @BeforeAll
    static void start() {
        // Instances take a while to run, so all fifty are in flight together for many polls, also on a busy
        // machine where starting fifty workflows takes seconds (700 ms was seen to let half of them finish first).
        test = new AgentTestEnvironment(AgentTestEnvironment.fastSimulator().withLaunchDelay(Duration.ofSeconds(3)));
        meters = AgentTestEnvironment.meters();
        agent = test.startAgent(meters);
    }

    @AfterAll
    static void stop() {
        agent.close();
        test.close();
    }

    @Test
    void fiftyConcurrentLaunchesCostOneDescribeInstancesPerPoll() {
        long pollsBefore = agent.watcher().polls();
        List<LaunchInstanceInput> inputs = new ArrayList<>();
        for (int i = 0; i < LAUNCHES; i++) {
            LaunchInstanceInput input = test.launchInput("m5.large");
            inputs.add(input);
            test.startLaunch(input);
        }
        AtomicInteger peakInflight = new AtomicInteger();
        awaitUntil("all launches confirmed", () -> {
            peakInflight.accumulateAndGet((int) gauge(meters, "spot.ec2.inflight.instances", "operation", "launch"),
                    Math::max);
            return inputs.stream().allMatch(in -> "running_primary".equals(test.lifecycle.status(in.instanceId())));
        });
        long polls = agent.watcher().polls() - pollsBefore;

        // Ground truth: fifty instances, one per launch, each confirmed with its own EC2 id.
        List<SimInstance> instances = test.sim.instances();
        assertThat(instances).hasSize(LAUNCHES).allMatch(i -> i.state().equals("running"));
        assertThat(test.sim.callCount("RunInstances")).isEqualTo(LAUNCHES);
        Set<String> confirmed = inputs.stream()
                .flatMap(in -> test.lifecycle.launchConfirmations(in.instanceId()).stream())
                .map(LaunchConfirmation::ec2InstanceId).collect(Collectors.toSet());
        assertThat(confirmed).isEqualTo(instances.stream().map(SimInstance::instanceId).collect(Collectors.toSet()));

        // One DescribeInstances per poll for all of them, not one per instance.
        long describes = test.sim.callCount("DescribeInstances");
        assertThat(polls).isPositive();
        assertThat(describes).isLessThanOrEqualTo(polls + 2);
        assertThat(peakInflight.get()).isGreaterThan(LAUNCHES / 2);
        awaitUntil("gauge back to zero",
                () -> gauge(meters, "spot.ec2.inflight.instances", "operation", "launch") == 0);
    }
}
