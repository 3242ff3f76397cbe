package com.spotoptimizer.workflows.launch;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.launchWorkflowId;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import com.spotoptimizer.workflows.terminate.TerminateResult;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Event;
import com.spotoptimizer.workflows.testing.ScriptedAgent.Script;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LaunchTimeoutTest {

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
    void launchFailsWithTimeoutWhenNotConfirmedWithinFiveMinutes() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");

        LaunchResult result = result(h.startLaunch(input));

        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        assertThat(result.reason()).isEqualTo("not confirmed within 300s");
        assertThat(h.lifecycle.row(input.instanceId()).failureReason()).isEqualTo(result.reason());
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested", "recordLaunchTimedOut");
        assertThat(h.lifecycle.events(input.instanceId())).extracting(Event::type)
                .containsExactly("INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_TIMED_OUT");
        assertThat(h.lifecycle.commands(input.instanceId()).get(0).status())
                .as("an HTTP agent that polls late must not start a launch given up on").isEqualTo("CANCELLED");
        assertThat(firstTimer(launchWorkflowId(input)))
                .as("the deadline runs from the start: the recording step's time is taken off the wait")
                .isBetween(Duration.ofMinutes(5).minusSeconds(5), Duration.ofMinutes(5));
        assertThat(h.searchAttribute(launchWorkflowId(input), SearchAttributes.INSTANCE_STATE))
                .isEqualTo(Statuses.LAUNCH_TIMED_OUT);
    }

    @Test
    void launchTimesOutWhenTheTemporalAgentGivesUpWithoutConfirming() {
        LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
        h.agent.launches(Script.NEVER_CONFIRM);

        LaunchResult result = result(h.startLaunch(input));

        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested", "recordLaunchTimedOut");
        assertThat(h.agent.runningInstances()).isEmpty();
    }

    @Test
    void confirmationAtFourMinutesFiftyNineSecondsStillSucceeds() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded(); // the 5-minute timer starts with the recorded launch

        h.env.sleep(Duration.ofMinutes(4).plusSeconds(59));
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0justintime", h.now()));

        LaunchResult result = result(launch);
        assertThat(result.status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(result.ec2InstanceId()).isEqualTo("i-0justintime");
        assertThat(h.lifecycle.launchDuration(input.instanceId())).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
        assertThat(h.historyEventTypes(launchWorkflowId(input))).doesNotContain(EventType.EVENT_TYPE_TIMER_FIRED);
    }

    @Test
    void lateConfirmationAfterTheTimeoutTerminatesTheInstance() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = timedOutLaunch(input);

        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0late", h.now()));

        await("the reclaim termination is recorded",
                () -> h.lifecycle.wasCalled(input.instanceId(), "recordTerminationRequested"));
        TerminateInstanceWorkflow termination = h.terminationStub(input.instanceId());
        InstanceSnapshot terminating = termination.awaitRecorded();
        assertThat(terminating.status()).isEqualTo(Statuses.TERMINATING);
        assertThat(terminating.ec2InstanceId()).isEqualTo("i-0late");
        assertThat(h.client.newUntypedWorkflowStub(WorkflowIds.terminate(input.instanceId())).describe()
                .getTypedSearchAttributes().get(SearchAttributes.INSTANCE_ID)).isEqualTo(input.instanceId());

        termination.confirmTerminated(new TerminationConfirmation(input.instanceId(), input.agentId(), "i-0late", h.now()));

        TerminateResult terminated = result(termination);
        LaunchResult launched = result(launch);
        assertThat(terminated.status()).isEqualTo(Statuses.TERMINATED);
        assertThat(launched.status()).as("the user was told the launch timed out").isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        assertThat(launched.ec2InstanceId()).isEqualTo("i-0late");
        assertThat(h.lifecycle.row(input.instanceId()).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.row(input.instanceId()).ec2InstanceId()).isEqualTo("i-0late");
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested",
                "recordLaunchTimedOut", "recordLaunchConfirmed", "recordTerminationRequested", "recordTerminated");
    }

    @Test
    void lateConfirmationLeavesTheInstanceToATerminationAlreadyRunning() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = timedOutLaunch(input);
        // The user terminates the timed-out instance through the API meanwhile.
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(input, "term-api"));
        assertThat(termination.awaitRecorded().status()).isEqualTo(Statuses.TERMINATING);

        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0late", h.now()));

        String launchId = launchWorkflowId(input);
        await("the launch closes", () -> h.client.newUntypedWorkflowStub(launchId).describe().getStatus()
                != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        assertThat(h.client.newUntypedWorkflowStub(launchId).describe().getStatus())
                .as("finding the termination already running is not a failure")
                .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
        termination.confirmTerminated(new TerminationConfirmation(input.instanceId(), input.agentId(), "i-0late", h.now()));
        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(result(launch).ec2InstanceId()).isEqualTo("i-0late");
        assertThat(h.lifecycle.row(input.instanceId()).ec2InstanceId()).isEqualTo("i-0late");
        assertThat(h.lifecycle.calls(input.instanceId()).stream().filter(c -> c.method().equals("recordTerminationRequested"))
                .count()).isEqualTo(1);
    }

    /** A launch over HTTP whose 5 minutes are up, listening for a late confirmation. */
    private LaunchInstanceWorkflow timedOutLaunch(LaunchInstanceInput input) {
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();
        h.env.sleep(Duration.ofMinutes(5).plusSeconds(1));
        await("the launch timed out and listens for a late confirmation",
                () -> "awaiting_late_confirmation".equals(launch.getProgress().phase()));
        assertThat(h.lifecycle.row(input.instanceId()).status()).isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        return launch;
    }

    private Duration firstTimer(String workflowId) {
        HistoryEvent timer = h.client.fetchHistory(workflowId).getEvents().stream()
                .filter(HistoryEvent::hasTimerStartedEventAttributes).findFirst().orElseThrow();
        com.google.protobuf.Duration timeout = timer.getTimerStartedEventAttributes().getStartToFireTimeout();
        return Duration.ofSeconds(timeout.getSeconds(), timeout.getNanos());
    }
}
