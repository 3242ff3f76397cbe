package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.SimInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A launch slower than its timeout (3 s here, 5 min in production) while the agent has already called
 * RunInstances: the launch ends launch_timed_out, and the instance EC2 brings up late is terminated,
 * not forgotten.
 */
class LaunchTimeoutEndToEndTest {

    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SLOW_LAUNCH = Duration.ofSeconds(6);

    private static LocalStack stack;
    private static E2eClient client;
    private static Ec2Simulator ec2;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(SLOW_LAUNCH, Duration.ofMillis(200), Duration.ofMillis(100),
                "--spot.lifecycle.launch-timeout=" + LAUNCH_TIMEOUT.toSeconds() + "s");
        client = new E2eClient(stack);
        ec2 = stack.app().ec2();
        // A cold JVM may take seconds to reach its first RunInstances: warm the path up with a fast launch, so
        // the test's launch reaches EC2 well inside its 3 s. Cold, even this one may miss the 3 s: then it
        // ends terminated (its late instance reclaimed), which the ground truth checks as well.
        ec2.faults().launchDelay(Duration.ofMillis(100));
        client.awaitStatus(client.launchId("warm-up"), "running_primary", "terminated");
        ec2.faults().clear();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void launchSlowerThanTheTimeoutEndsTimedOutAndTheLateInstanceIsTerminated() {
        String instanceId = client.launchId("slower-than-timeout");

        Map<String, Object> timedOut = client.awaitStatus(instanceId, Duration.ofSeconds(15), "launch_timed_out");
        assertThat(timedOut.get("failure_reason")).isEqualTo("not confirmed within 3s");
        List<SimInstance> launched = GroundTruth.instancesOf(ec2, instanceId);
        assertThat(launched).as("RunInstances ran before the timeout: a late instance is on its way").hasSize(1);
        SimInstance late = launched.get(0);

        Awaitility.await("the late instance is terminated").atMost(SLOW_LAUNCH.plusSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> ec2.instance(late.instanceId()).orElseThrow().state(), "terminated"::equals);
        Map<String, Object> settled = client.awaitStatus(instanceId, Duration.ofSeconds(20), "terminated");
        assertThat(GroundTruth.instancesOf(ec2, instanceId)).extracting(SimInstance::instanceId)
                .containsExactly(late.instanceId());
        assertThat(settled.get("failure_reason")).isNull();
        assertThat(client.historyTypes(instanceId)).containsExactly("INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_TIMED_OUT",
                "INSTANCE_TERMINATING", "INSTANCE_TERMINATED");
        assertThat(client.history(instanceId).get(1).get("reason")).isEqualTo("not confirmed within 3s");
        GroundTruth.assertNothingLeakedOrStuck(stack, client, Duration.ofSeconds(10));
    }
}
