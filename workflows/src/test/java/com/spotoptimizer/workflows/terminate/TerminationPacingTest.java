package com.spotoptimizer.workflows.terminate;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.TerminationCallMade;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationQueued;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The 3-minute termination deadline runs from the agent's EC2 call; while queued, the bounded queue wait applies. */
class TerminationPacingTest {

    private static final String WAITING = "waiting for TerminateInstances capacity budget; 100+ ahead at priority ≥ 100";

    private WorkflowTestHarness h;

    @BeforeEach
    void startTestServer() {
        h = WorkflowTestHarness.start();
    }

    @AfterEach
    void stopTestServer() {
        h.close();
    }

    /** A running instance of an HTTP agent (nothing answers its commands but the test). */
    private LaunchInstanceInput running() {
        LaunchInstanceInput launch = h.launchInput(Transport.HTTP, "primary");
        h.lifecycle.seed(launch, Statuses.RUNNING_PRIMARY, "i-0" + launch.requestId());
        return launch;
    }

    @Test
    void terminationQueuedTenMinutesThenConfirmedTwoMinutesAfterItsCallIsNotTimedOut() {
        LaunchInstanceInput launch = running();
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
        InstanceSnapshot recorded = termination.awaitRecorded();

        h.terminationStub(launch.instanceId()).terminationQueued(
                new TerminationQueued(launch.instanceId(), launch.agentId(), WAITING, h.now()));
        h.env.sleep(Duration.ofMinutes(10));
        assertThat(h.lifecycle.row(launch.instanceId()).status()).as("queued 10 min").isEqualTo(Statuses.TERMINATING);
        h.terminationStub(launch.instanceId()).terminationCallMade(
                new TerminationCallMade(launch.instanceId(), launch.agentId(), h.now()));
        h.env.sleep(Duration.ofMinutes(2));
        h.terminationStub(launch.instanceId()).confirmTerminated(
                new TerminationConfirmation(launch.instanceId(), launch.agentId(), recorded.ec2InstanceId(), h.now()));

        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATED);
    }

    @Test
    void callMadeLateMovesTheDeadlineToThreeMinutesAfterTheCall() {
        LaunchInstanceInput launch = running();
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
        termination.awaitRecorded();

        h.env.sleep(Duration.ofMinutes(2));
        h.terminationStub(launch.instanceId()).terminationCallMade(
                new TerminationCallMade(launch.instanceId(), launch.agentId(), h.now()));
        h.env.sleep(Duration.ofMinutes(2));
        assertThat(h.lifecycle.row(launch.instanceId()).status()).as("4 min after the start, 2 after the call")
                .isEqualTo(Statuses.TERMINATING);

        TerminateResult result = result(termination);
        assertThat(result.status()).isEqualTo(Statuses.TERMINATION_TIMED_OUT);
        assertThat(result.reason()).isEqualTo("not confirmed within 180s");
    }

    @Test
    void terminationThatNeverGetsATurnEndsWithTheQueueWaitReason() {
        LaunchInstanceInput launch = running();
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
        termination.awaitRecorded();
        h.terminationStub(launch.instanceId()).terminationQueued(
                new TerminationQueued(launch.instanceId(), launch.agentId(), WAITING, h.now()));

        h.env.sleep(Duration.ofMinutes(14));
        assertThat(h.lifecycle.row(launch.instanceId()).status()).as("still queued at 14 min")
                .isEqualTo(Statuses.TERMINATING);

        TerminateResult result = result(termination);
        assertThat(result.status()).isEqualTo(Statuses.TERMINATION_TIMED_OUT);
        assertThat(result.reason()).isEqualTo("never got a TerminateInstances turn within 900s (" + WAITING + ")");
    }

    @Test
    void anotherAgentsCallReportDoesNotMoveTheDeadline() {
        LaunchInstanceInput launch = running();
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
        termination.awaitRecorded();

        h.env.sleep(Duration.ofMinutes(2));
        h.terminationStub(launch.instanceId()).terminationCallMade(
                new TerminationCallMade(launch.instanceId(), "someone-else", h.now()));
        h.terminationStub(launch.instanceId()).terminationQueued(
                new TerminationQueued(launch.instanceId(), "someone-else", "forged", h.now()));
        h.env.sleep(Duration.ofMinutes(2));
        await("timed out 3 min after the start", () ->
                Statuses.TERMINATION_TIMED_OUT.equals(h.lifecycle.row(launch.instanceId()).status()));
        assertThat(result(termination).reason()).isEqualTo("not confirmed within 180s");
    }
}
