package com.spotoptimizer.workflows.move;

import static com.spotoptimizer.workflows.move.MoveTestSupport.result;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.testing.MoveFixtures;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InterruptionFailoverWorkflowTest {

    private WorkflowTestHarness h;
    private MoveFixtures f;

    @BeforeEach
    void startTestServer() {
        h = WorkflowTestHarness.start();
        f = new MoveFixtures(h);
    }

    @AfterEach
    void stopTestServer() {
        h.close();
    }

    @Test
    void interruptedPrimaryWithAReplicaHasItPromotedAtOnceAndANewReplicaLaunched() {
        LaunchInstanceInput primary = f.runningPrimary(Transport.TEMPORAL);
        LaunchInstanceInput replica = f.runningReplicaOf(primary);
        FailoverInput input = f.failoverInput(primary, replica, h.now().plus(Duration.ofMinutes(2)));
        InterruptionFailoverWorkflow workflow = f.startFailover(input);

        await("replica promoted before the action time",
                () -> Statuses.RUNNING_PRIMARY.equals(h.lifecycle.row(replica.instanceId()).status()));
        await("new replica running", () -> h.lifecycle.calls(input.newReplica().instanceId()).stream()
                .anyMatch(c -> Statuses.RUNNING_REPLICA.equals(c.status())));
        assertThat(h.lifecycle.row(primary.instanceId()).status()).isEqualTo(Statuses.RUNNING_REPLICA);

        MoveResult result = result(workflow);
        assertThat(result.succeeded()).isTrue();
        assertThat(result.newInstanceId()).isEqualTo(replica.instanceId());
        assertThat(h.lifecycle.row(primary.instanceId()).status())
                .as("still running after its action time: terminated").isEqualTo(Statuses.TERMINATED);
        assertThat(h.agent.runningInstances()).doesNotContain(f.ec2Of(primary)).contains(f.ec2Of(replica));
    }

    @Test
    void interruptedPrimaryWithoutAReplicaGetsAReplacementPrimaryAtOnce() {
        LaunchInstanceInput primary = f.runningPrimary(Transport.TEMPORAL);
        FailoverInput input = f.failoverInput(primary, null, h.now().plus(Duration.ofMinutes(2)));
        InterruptionFailoverWorkflow workflow = f.startFailover(input);

        await("replacement primary running", () -> h.lifecycle.calls(input.replacementPrimary().instanceId()).stream()
                .anyMatch(c -> Statuses.RUNNING_PRIMARY.equals(c.status())));
        // EC2 ends the interrupted instance at its action time; ground truth records it.
        h.lifecycle.endedOutside(primary.instanceId(), "spot_interruption");

        MoveResult result = result(workflow);
        assertThat(result.succeeded()).isTrue();
        assertThat(result.newInstanceId()).isEqualTo(input.replacementPrimary().instanceId());
        assertThat(h.agent.launchCommands()).singleElement().satisfies(c -> {
            assertThat(c.role()).isEqualTo("primary");
            assertThat(c.instanceType()).isEqualTo(primary.instanceType());
        });
        assertThat(h.agent.terminateCommands()).as("EC2 ended it: nothing to terminate").isEmpty();
    }
}
