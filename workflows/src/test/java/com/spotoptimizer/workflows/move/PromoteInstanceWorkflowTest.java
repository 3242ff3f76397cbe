package com.spotoptimizer.workflows.move;

import static com.spotoptimizer.workflows.move.MoveTestSupport.result;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Event;
import com.spotoptimizer.workflows.testing.MoveFixtures;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PromoteInstanceWorkflowTest {

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
    void promotionMakesTheReplicaPrimaryThenDemotesTheOldPrimaryToReplica() {
        LaunchInstanceInput primary = f.runningPrimary(Transport.HTTP);
        LaunchInstanceInput replica = f.runningReplicaOf(primary);

        PromoteInstanceWorkflow workflow = f.startPromote(f.promoteInput(replica, primary, DemoteTo.REPLICA, "p-1"));
        InstanceSnapshot recorded = workflow.awaitRecorded();
        MoveResult result = result(workflow);

        assertThat(recorded.status()).isIn(Statuses.PROMOTING, Statuses.RUNNING_PRIMARY);
        assertThat(result.succeeded()).isTrue();
        assertThat(result.newInstanceId()).isEqualTo(replica.instanceId());
        assertThat(h.lifecycle.row(replica.instanceId()).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.row(primary.instanceId()).status()).isEqualTo(Statuses.RUNNING_REPLICA);
        assertThat(h.moves.role(primary.instanceId())).isEqualTo("replica");
        assertThat(h.lifecycle.events(replica.instanceId())).extracting(Event::type)
                .containsExactly("INSTANCE_PROMOTING", "INSTANCE_PROMOTED");
        assertThat(h.lifecycle.events(primary.instanceId())).extracting(Event::type).containsExactly("INSTANCE_DEMOTED");
        assertThat(h.lifecycle.methods(primary.instanceId())).as("demoted only after the promotion")
                .containsExactly("recordDemoted");
    }

    @Test
    void promotionWithDemoteToTerminatedTerminatesTheOldPrimaryAfterThePromotion() {
        LaunchInstanceInput primary = f.runningPrimary(Transport.TEMPORAL);
        LaunchInstanceInput replica = f.runningReplicaOf(primary);

        MoveResult result = result(f.startPromote(f.promoteInput(replica, primary, DemoteTo.TERMINATED, "p-1")));

        assertThat(result.succeeded()).isTrue();
        assertThat(h.lifecycle.row(replica.instanceId()).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.row(primary.instanceId()).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.agent.runningInstances()).containsExactly(f.ec2Of(replica));
    }

    @Test
    void promotingAnInstanceThatIsNotAReplicaChangesNothing() {
        LaunchInstanceInput primary = f.runningPrimary(Transport.TEMPORAL);
        LaunchInstanceInput other = f.runningPrimary(Transport.TEMPORAL);

        PromoteInstanceWorkflow workflow = f.startPromote(f.promoteInput(other, primary, DemoteTo.REPLICA, "p-1"));
        MoveResult result = result(workflow);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.reason()).contains("not promotable");
        assertThat(h.lifecycle.events(other.instanceId())).isEmpty();
        assertThat(h.lifecycle.events(primary.instanceId())).isEmpty();
    }

    @Test
    void replicaEndedByEc2DuringPromotionLeavesTheOldPrimaryPrimary() {
        LaunchInstanceInput primary = f.runningPrimary(Transport.TEMPORAL);
        LaunchInstanceInput replica = f.runningReplicaOf(primary);
        h.lifecycle.hold("recordPromoted");
        PromoteInstanceWorkflow workflow = f.startPromote(f.promoteInput(replica, primary, DemoteTo.TERMINATED, "p-1"));

        await("promotion in flight", () -> h.lifecycle.isHeld("recordPromoted"));
        h.lifecycle.endedOutside(replica.instanceId(), "spot_interruption");
        h.lifecycle.release("recordPromoted");

        MoveResult result = result(workflow);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.reason()).startsWith("replica ended during promotion");
        assertThat(h.lifecycle.row(primary.instanceId()).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.agent.terminateCommands()).isEmpty();
    }

    @Test
    void theRequestedPromotionIsAnsweredWhileRunningAndAfterTheWorkflowClosed() {
        LaunchInstanceInput primary = f.runningPrimary(Transport.TEMPORAL);
        LaunchInstanceInput replica = f.runningReplicaOf(primary);
        h.lifecycle.hold("recordPromoted");
        PromoteInstanceWorkflow workflow = f.startPromote(f.promoteInput(replica, primary, DemoteTo.TERMINATED, "p-1"));
        RequestedPromotion expected = new RequestedPromotion(replica.instanceId(), DemoteTo.TERMINATED);

        await("promotion in flight", () -> h.lifecycle.isHeld("recordPromoted"));
        assertThat(workflow.getRequestedPromotion()).isEqualTo(expected);
        h.lifecycle.release("recordPromoted");
        assertThat(result(workflow).succeeded()).isTrue();

        PromoteInstanceWorkflow closed = h.client.newWorkflowStub(PromoteInstanceWorkflow.class,
                WorkflowIds.promote(replica.clientId(), "p-1"));
        assertThat(closed.getRequestedPromotion()).as("a closed promotion answers by replay").isEqualTo(expected);
    }
}
