package com.spotoptimizer.workflows.lifecycle;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflow;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An agent's word is checked against the launch it answers and against the record. */
class ConfirmationIntegrityTest {

    private WorkflowTestHarness h;

    @BeforeEach
    void startTestServer() {
        h = WorkflowTestHarness.start();
    }

    @AfterEach
    void stopTestServer() {
        h.close();
    }

    @Test
    void launchConfirmationFromAnotherAgentIsIgnored() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), "intruder", "i-0forged", h.now()));
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), null, "i-0anonymous", h.now()));
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0right", h.now()));

        assertThat(result(launch).ec2InstanceId()).isEqualTo("i-0right");
        assertThat(h.lifecycle.methods(input.instanceId()))
                .containsExactly("recordLaunchRequested", "recordLaunchConfirmed");
    }

    @Test
    void ofEightRacingConfirmationsExactlyOneIsAcceptedAndTheOthersLearnTheWinner() throws Exception {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        ExecutorService agents = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ConfirmationVerdict>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String ec2Id = "i-0racer" + i;
            answers.add(agents.submit(() -> {
                go.await();
                return h.launchStub(input).submitLaunchConfirmation(
                        new LaunchConfirmation(input.instanceId(), input.agentId(), ec2Id, h.now()));
            }));
        }
        go.countDown();
        List<ConfirmationVerdict> verdicts = new ArrayList<>();
        for (Future<ConfirmationVerdict> answer : answers) {
            verdicts.add(answer.get());
        }
        agents.shutdown();

        List<ConfirmationVerdict> accepted = verdicts.stream().filter(ConfirmationVerdict::accepted).toList();
        assertThat(accepted).hasSize(1);
        String winner = accepted.get(0).instance().ec2InstanceId();
        assertThat(verdicts).filteredOn(v -> !v.accepted()).hasSize(7)
                .allSatisfy(v -> {
                    assertThat(v.refusal()).isEqualTo(ConfirmationVerdict.EC2_ID_MISMATCH);
                    assertThat(v.recordedEc2InstanceId()).isEqualTo(winner);
                });
        assertThat(result(launch).ec2InstanceId()).isEqualTo(winner);
        assertThat(h.lifecycle.row(input.instanceId()).ec2InstanceId()).isEqualTo(winner);
        assertThat(h.lifecycle.methods(input.instanceId()))
                .containsExactly("recordLaunchRequested", "recordLaunchConfirmed");
    }

    @Test
    void theWinningConfirmationIsAnsweredWithTheRecordedRow() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        ConfirmationVerdict verdict = h.launchStub(input).submitLaunchConfirmation(
                new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0same", h.now()));

        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.instance().status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(verdict.instance().ec2InstanceId()).isEqualTo("i-0same");
        assertThat(result(launch).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
    }

    @Test
    void launchConfirmationWithAnotherInstancesEc2IdIsDiscardedAndTheRightOneStillSettles() {
        LaunchInstanceInput other = h.launchInput(Transport.HTTP, "primary");
        h.lifecycle.seed(other, Statuses.RUNNING_PRIMARY, "i-0taken");
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        ConfirmationVerdict wrong = h.launchStub(input).submitLaunchConfirmation(
                new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0taken", h.now()));
        ConfirmationVerdict right = h.launchStub(input).submitLaunchConfirmation(
                new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0mine", h.now()));

        assertThat(wrong.accepted()).isFalse();
        assertThat(wrong.refusal()).isEqualTo(ConfirmationVerdict.EC2_ID_CONFLICT);
        assertThat(right.accepted()).isTrue();
        assertThat(result(launch).ec2InstanceId()).isEqualTo("i-0mine");
        assertThat(h.lifecycle.row(other.instanceId()).ec2InstanceId()).isEqualTo("i-0taken");
    }

    @Test
    void terminationConfirmationNamingAnotherEc2IdIsRefusedAndChangesNothing() {
        LaunchInstanceInput launch = running();
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
        InstanceSnapshot recorded = termination.awaitRecorded();

        ConfirmationVerdict wrong = h.terminationStub(launch.instanceId()).submitTerminationConfirmation(
                new TerminationConfirmation(launch.instanceId(), launch.agentId(), "i-0bogus", h.now()));
        h.terminationStub(launch.instanceId()).confirmTerminated(
                new TerminationConfirmation(launch.instanceId(), "intruder", recorded.ec2InstanceId(), h.now()));

        assertThat(wrong.accepted()).isFalse();
        assertThat(wrong.refusal()).isEqualTo(ConfirmationVerdict.EC2_ID_MISMATCH);
        assertThat(wrong.recordedEc2InstanceId()).isEqualTo(recorded.ec2InstanceId());
        assertThat(h.lifecycle.row(launch.instanceId()).status()).isEqualTo(Statuses.TERMINATING);

        ConfirmationVerdict right = h.terminationStub(launch.instanceId()).submitTerminationConfirmation(
                new TerminationConfirmation(launch.instanceId(), launch.agentId(), recorded.ec2InstanceId(), h.now()));
        assertThat(right.accepted()).isTrue();
        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.row(launch.instanceId()).ec2InstanceId()).isEqualTo(recorded.ec2InstanceId());
    }

    @Test
    void terminationConfirmedWithAnotherLiveInstancesIdIsDiscardedNotRetriedForever() {
        LaunchInstanceInput liveA = running();
        LaunchInstanceInput unconfirmedB = h.launchInput(Transport.HTTP, "primary");
        h.lifecycle.seed(unconfirmedB, Statuses.LAUNCH_TIMED_OUT, null);
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(unconfirmedB, "term-b"));
        termination.awaitRecorded();
        String idOfA = h.lifecycle.row(liveA.instanceId()).ec2InstanceId();

        ConfirmationVerdict wrong = h.terminationStub(unconfirmedB.instanceId()).submitTerminationConfirmation(
                new TerminationConfirmation(unconfirmedB.instanceId(), unconfirmedB.agentId(), idOfA, h.now()));
        ConfirmationVerdict right = h.terminationStub(unconfirmedB.instanceId()).submitTerminationConfirmation(
                new TerminationConfirmation(unconfirmedB.instanceId(), unconfirmedB.agentId(), null, h.now()));

        assertThat(wrong.refusal()).isEqualTo(ConfirmationVerdict.EC2_ID_CONFLICT);
        assertThat(right.accepted()).isTrue();
        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.row(unconfirmedB.instanceId()).ec2InstanceId()).isNull();
        assertThat(h.lifecycle.row(liveA.instanceId()).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
    }

    @Test
    void confirmationThatCannotBeRecordedEndsLaunchFailedAndReclaimsTheInstance() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();
        h.lifecycle.failAlways("recordLaunchConfirmed");

        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0lost", h.now()));

        LaunchResult result = result(launch);
        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_FAILED);
        assertThat(result.reason()).startsWith("launch confirmation could not be recorded");
        TerminateInstanceWorkflow reclaim = h.terminationStub(input.instanceId());
        assertThat(WorkflowStub.fromTyped(reclaim).getExecution().getWorkflowId())
                .isEqualTo(WorkflowIds.terminate(input.instanceId()));
        WorkflowTestHarness.await("the reclaim recorded terminating",
                () -> Statuses.TERMINATING.equals(h.lifecycle.row(input.instanceId()).status()));
    }

    @Test
    void terminationWhoseRecordingFailsForGoodEndsTerminationFailedWithTheReason() {
        LaunchInstanceInput launch = running();
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
        InstanceSnapshot recorded = termination.awaitRecorded();
        h.lifecycle.failAlways("recordTerminated");

        h.terminationStub(launch.instanceId()).confirmTerminated(
                new TerminationConfirmation(launch.instanceId(), launch.agentId(), recorded.ec2InstanceId(), h.now()));

        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATION_FAILED);
        assertThat(h.lifecycle.row(launch.instanceId()).failureReason())
                .startsWith("termination confirmation could not be recorded");
    }

    private LaunchInstanceInput running() {
        LaunchInstanceInput launch = h.launchInput(Transport.HTTP, "primary");
        String ec2InstanceId = h.agent.runInstances(
                ClientTokens.forLaunch(launch.clientId(), launch.requestId(), launch.instanceType()));
        h.lifecycle.seed(launch, Statuses.RUNNING_PRIMARY, ec2InstanceId);
        return launch;
    }
}
