package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.spotoptimizer.ec2sim.SimInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests racing a launch, end to end: a terminate while EC2 is still bringing the instance up (or before
 * the agent even asked for it), and the same launch delivered five times at once. Each ends with the simulator's ground truth: one instance per
 * launch, nothing running without a live row, nothing left in launching or terminating.
 */
class LaunchRacesEndToEndTest {

    @RegisterExtension
    static final LocalStackExtension e2e = new LocalStackExtension();

    @Test
    void terminateWhileTheInstanceIsPendingEndsTerminatedWithTheInstanceTerminated() {
        e2e.ec2().faults().launchDelay(Duration.ofSeconds(3));
        String instanceId = e2e.client().launchId("terminated-while-pending");
        SimInstance pending = Awaitility.await("RunInstances").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> GroundTruth.instancesOf(e2e.ec2(), instanceId), list -> !list.isEmpty()).get(0);
        assertThat(pending.state()).isEqualTo("pending");

        Map<String, Object> terminating = e2e.client().terminate(instanceId);

        assertThat(terminating).containsEntry("status", "terminating");
        Map<String, Object> terminated = e2e.client().awaitStatus(instanceId, "terminated");
        assertThat(terminated.get("ec2_instance_id")).isEqualTo(pending.instanceId());
        assertThat(GroundTruth.instancesOf(e2e.ec2(), instanceId)).extracting(SimInstance::instanceId, SimInstance::state)
                .containsExactly(tuple(pending.instanceId(), "terminated"));
        // The row goes terminating at once; the EC2 id it learns when the launch confirms is announced too.
        assertThat(e2e.client().history(instanceId)).extracting(e -> e.get("type"), e -> e.get("reason")).containsExactly(
                tuple("INSTANCE_LAUNCHING", null),
                tuple("INSTANCE_TERMINATING", "requested by client"),
                tuple("INSTANCE_TERMINATING", "launch confirmed late as " + pending.instanceId()),
                tuple("INSTANCE_TERMINATED", null));
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }

    @Test
    void terminateRightAfterTheLaunchRequestEndsTerminatedWithNothingLeft() {
        e2e.ec2().faults().launchDelay(Duration.ofSeconds(3));

        String instanceId = e2e.client().launchId("terminated-at-once");
        Map<String, Object> terminating = e2e.client().terminate(instanceId);

        assertThat(terminating).containsEntry("status", "terminating");
        Map<String, Object> terminated = e2e.client().awaitStatus(instanceId, "terminated");
        List<SimInstance> launched = GroundTruth.instancesOf(e2e.ec2(), instanceId);
        assertThat(launched).as("launched or not, nothing of it is left")
                .hasSizeLessThanOrEqualTo(1).allMatch(i -> i.state().equals("terminated"));
        if (!launched.isEmpty()) {
            assertThat(terminated.get("ec2_instance_id")).isEqualTo(launched.get(0).instanceId());
        }
        assertThat(e2e.client().historyTypes(instanceId)).startsWith("INSTANCE_LAUNCHING", "INSTANCE_TERMINATING")
                .endsWith("INSTANCE_TERMINATED").doesNotContain("INSTANCE_RUNNING");
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }

    @Test
    void sameRequestPostedFiveTimesConcurrentlyLaunchesOneInstance() {
        List<Map<String, Object>> answers = E2eClient.concurrently(5, i -> e2e.client().launch("posted-five-times"));

        assertThat(answers).extracting(a -> a.get("instance_id")).containsOnly(answers.get(0).get("instance_id"));
        String instanceId = (String) answers.get(0).get("instance_id");
        Map<String, Object> running = e2e.client().awaitStatus(instanceId, "running_primary");
        List<SimInstance> launched = GroundTruth.instancesOf(e2e.ec2(), instanceId);
        assertThat(launched).extracting(SimInstance::instanceId).containsExactly((String) running.get("ec2_instance_id"));
        assertThat(GroundTruth.runInstancesCallsOf(e2e.ec2(), launched.get(0).clientToken()))
                .as("one workflow, one RunInstances").hasSize(1);
        assertThat(e2e.client().historyTypes(instanceId)).containsExactly("INSTANCE_LAUNCHING", "INSTANCE_RUNNING");
        GroundTruth.assertNothingLeakedOrStuck(e2e.stack(), e2e.client(), Duration.ofSeconds(10));
    }
}
