package com.spotoptimizer.workflows.launch;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.untyped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Event;
import com.spotoptimizer.workflows.testing.ScriptedAgent.Script;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TerminateWhileLaunchingTest {

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
    void terminateWhileLaunchingTerminatesTheInstanceOnceTheAgentConfirmsIt() {
        LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
        h.agent.holdLaunches();
        LaunchInstanceWorkflow launch = launchInFlight(input);

        InstanceSnapshot answer = launch.requestTermination(request("term-1"));

        assertThat(answer.status()).isEqualTo(Statuses.TERMINATING);
        assertThat(h.lifecycle.row(input.instanceId()).status()).as("terminating at once").isEqualTo(Statuses.TERMINATING);
        assertThat(launch.getProgress().terminationRequested()).isTrue();

        h.agent.releaseLaunches(); // EC2 reports running; the agent confirms
        TerminateInstanceWorkflow termination = startedTermination(input);

        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATED);
        LaunchResult launched = result(launch);
        assertThat(launched.ec2InstanceId()).isNotNull();
        assertThat(h.agent.terminateCommands()).extracting(TerminateCommand::ec2InstanceId)
                .as("the termination targets the EC2 id the launch learned").containsExactly(launched.ec2InstanceId());
        assertThat(h.agent.runningInstances()).as("nothing left running").isEmpty();
        InstanceSnapshot row = h.lifecycle.row(input.instanceId());
        assertThat(row.status()).isEqualTo(Statuses.TERMINATED);
        assertThat(row.ec2InstanceId()).isEqualTo(launched.ec2InstanceId());
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested",
                "recordTerminationRequestedWhileLaunching", "recordLaunchConfirmed", "recordTerminationRequested",
                "recordTerminated");
        assertThat(h.lifecycle.events(input.instanceId())).extracting(Event::type).containsExactly(
                "INSTANCE_LAUNCHING", "INSTANCE_TERMINATING", "INSTANCE_TERMINATING", "INSTANCE_TERMINATED");
        assertThat(h.searchAttribute(WorkflowIds.terminate(input.instanceId()), SearchAttributes.INSTANCE_STATE))
                .isEqualTo(Statuses.TERMINATED);
    }

    @Test
    void terminateWhileLaunchingEndsTerminatedWhenEc2RefusesTheLaunch() {
        LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
        h.agent.holdLaunches().launches(Script.REFUSE)
                .refusingWith(FailureTypes.INSUFFICIENT_CAPACITY, "no m5.large capacity");
        LaunchInstanceWorkflow launch = launchInFlight(input);
        assertThat(launch.requestTermination(request("term-1")).status()).isEqualTo(Statuses.TERMINATING);

        h.agent.releaseLaunches();

        LaunchResult result = result(launch);
        assertThat(result.status()).as("nothing to terminate").isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.row(input.instanceId()).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested",
                "recordTerminationRequestedWhileLaunching", "recordTerminated");
        assertThat(h.agent.terminateCommands()).isEmpty();
        assertThat(h.agent.runningInstances()).isEmpty();
    }

    @Test
    void terminateWhileLaunchingTerminatesByClientTokenWhenTheLaunchIsNeverConfirmed() {
        LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
        h.agent.holdLaunches().launches(Script.LOSE_CONFIRMATION);
        LaunchInstanceWorkflow launch = launchInFlight(input);
        launch.requestTermination(request("term-1"));

        h.agent.releaseLaunches(); // RunInstances succeeded, the confirmation is lost

        assertThat(result(launch).ec2InstanceId()).isNull();
        assertThat(result(h.terminationStub(input.instanceId())).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.agent.terminateCommands()).singleElement().satisfies(command -> {
            assertThat(command.ec2InstanceId()).isNull();
            assertThat(command.clientToken())
                    .isEqualTo(ClientTokens.forLaunch(input.clientId(), input.requestId(), input.instanceType()));
        });
        assertThat(h.agent.runningInstances()).as("the unconfirmed instance was found and terminated").isEmpty();
        assertThat(h.lifecycle.row(input.instanceId()).status()).isEqualTo(Statuses.TERMINATED);
    }

    @Test
    void repeatedTerminationRequestsWhileLaunchingRecordOneTransition() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        InstanceSnapshot first = launch.requestTermination(request("term-1"));
        InstanceSnapshot second = launch.requestTermination(request("term-2"));

        assertThat(second).isEqualTo(first);
        assertThat(h.lifecycle.methods(input.instanceId()))
                .containsExactly("recordLaunchRequested", "recordTerminationRequestedWhileLaunching");
    }

    @Test
    void terminationAcceptedJustBeforeARefusalIsRecordedBeforeTheOutcome() {
        LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
        h.agent.holdLaunches().launches(Script.REFUSE).refusingWith(FailureTypes.INSUFFICIENT_CAPACITY, "no capacity");
        h.lifecycle.hold("recordTerminationRequestedWhileLaunching");
        LaunchInstanceWorkflow launch = launchInFlight(input);
        WorkflowUpdateHandle<InstanceSnapshot> pending = untyped(launch).startUpdate(
                "requestTermination", WorkflowUpdateStage.ACCEPTED, InstanceSnapshot.class, request("term-1"));
        await("the terminating transition is in flight",
                () -> h.lifecycle.isHeld("recordTerminationRequestedWhileLaunching"));

        h.agent.releaseLaunches(); // the refusal arrives while the termination is being recorded
        await("the workflow has handled the refusal", () -> refusalHandled(input));
        assertThat(h.lifecycle.methods(input.instanceId()))
                .as("the outcome waits for the accepted termination").containsExactly("recordLaunchRequested");
        h.lifecycle.release("recordTerminationRequestedWhileLaunching");

        assertThat(pending.getResult().status()).isEqualTo(Statuses.TERMINATING);
        assertThat(result(launch).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.row(input.instanceId()).status()).as("not stuck terminating").isEqualTo(Statuses.TERMINATED);
    }

    @Test
    void terminationRequestIsRejectedOnceTheLaunchIsSettling() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        h.lifecycle.hold("recordLaunchConfirmed");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0settling", h.now()));
        await("the confirmation is being recorded", () -> h.lifecycle.isHeld("recordLaunchConfirmed"));

        assertThatThrownBy(() -> launch.requestTermination(request("term-1")))
                .isInstanceOf(WorkflowUpdateException.class)
                .rootCause().hasMessageContaining("terminate through the termination workflow");

        h.lifecycle.release("recordLaunchConfirmed");
        assertThat(result(launch).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.row(input.instanceId()).terminationRequestedAt()).isNull();
    }

    /** Started, recorded, and the agent holds the launch command (RunInstances in progress). */
    private LaunchInstanceWorkflow launchInFlight(LaunchInstanceInput input) {
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();
        await("the agent has the launch command", () -> !h.agent.launchCommands().isEmpty());
        return launch;
    }

    private TerminateInstanceWorkflow startedTermination(LaunchInstanceInput input) {
        await("the termination child is started and recorded",
                () -> h.lifecycle.wasCalled(input.instanceId(), "recordTerminationRequested"));
        return h.terminationStub(input.instanceId());
    }

    /** The agent's failure is in the history and a workflow task completed after it. */
    private boolean refusalHandled(LaunchInstanceInput input) {
        List<EventType> events = h.historyEventTypes(WorkflowTestHarness.launchWorkflowId(input));
        int failed = events.indexOf(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED);
        return failed >= 0 && events.subList(failed, events.size()).contains(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    }

    private TerminationRequest request(String requestId) {
        return new TerminationRequest(requestId, "user changed their mind", h.now());
    }
}
