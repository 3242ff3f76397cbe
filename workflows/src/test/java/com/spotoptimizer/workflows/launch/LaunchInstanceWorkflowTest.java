package com.spotoptimizer.workflows.launch;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.launchWorkflowId;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Command;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Event;
import com.spotoptimizer.workflows.testing.ScriptedAgent.Script;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LaunchInstanceWorkflowTest {

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
    void launchOverHttpEndsRunningPrimaryWhenTheAgentConfirmsBySignal() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        // What the API does with POST /api/agents/{id}/instance-launched.
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0http", h.now()));

        assertThat(result(launch)).isEqualTo(
                new LaunchResult(input.instanceId(), "i-0http", Statuses.RUNNING_PRIMARY, null));
        assertThat(h.lifecycle.methods(input.instanceId()))
                .containsExactly("recordLaunchRequested", "recordLaunchConfirmed");
        assertThat(h.lifecycle.events(input.instanceId())).extracting(Event::type)
                .containsExactly("INSTANCE_LAUNCHING", "INSTANCE_RUNNING");
        assertThat(h.lifecycle.commands(input.instanceId())).extracting(Command::type, Command::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("LAUNCH_INSTANCE", "COMPLETED"));
        assertThat(h.lifecycle.launchDuration(input.instanceId())).isNotNull().matches(d -> !d.isNegative());
        assertThat(h.agent.launchCommands()).as("an HTTP agent polls; nothing goes to the task queue").isEmpty();
        assertThat(h.searchAttribute(launchWorkflowId(input), SearchAttributes.INSTANCE_STATE))
                .isEqualTo(Statuses.RUNNING_PRIMARY);
    }

    @Test
    void replicaLaunchEndsRunningReplica() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "replica");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0replica", h.now()));

        assertThat(result(launch).status()).isEqualTo(Statuses.RUNNING_REPLICA);
        assertThat(h.lifecycle.row(input.instanceId()).status()).isEqualTo(Statuses.RUNNING_REPLICA);
    }

    @Test
    void launchOverTemporalEndsRunningWhenTheAgentActivityConfirms() {
        LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
        h.agent.launches(Script.CONFIRM);

        LaunchResult result = result(h.startLaunch(input));

        LaunchCommand command = h.agent.launchCommands().get(0);
        String clientToken = ClientTokens.forLaunch(input.clientId(), input.requestId(), input.instanceType());
        assertThat(result.status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(result.ec2InstanceId()).isNotNull().isIn(h.agent.runningInstances());
        assertThat(h.agent.launchCommands()).hasSize(1);
        assertThat(command.workflowId()).isEqualTo(launchWorkflowId(input));
        assertThat(command.commandId()).isEqualTo("launch-" + input.instanceId());
        assertThat(command.clientToken()).isEqualTo(clientToken).hasSize(64);
        assertThat(command.tags()).containsEntry("team", "ml")
                .containsEntry(OwnershipTags.INSTANCE_ID, input.instanceId())
                .containsEntry(OwnershipTags.MANAGED_BY, OwnershipTags.MANAGED_BY_VALUE);
        assertThat(h.lifecycle.methods(input.instanceId()))
                .containsExactly("recordLaunchRequested", "recordLaunchConfirmed");
        assertThat(h.lifecycle.row(input.instanceId()).ec2InstanceId()).isEqualTo(result.ec2InstanceId());
    }

    @Test
    void duplicateLaunchConfirmationsRecordOneTransition() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        LaunchInstanceWorkflow agentSide = h.launchStub(input);
        // Held while recording, so the repeats reach the open workflow rather than a closed one.
        h.lifecycle.hold("recordLaunchConfirmed");
        agentSide.confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0first", h.now()));
        agentSide.confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0first", h.now()));
        agentSide.confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0second", h.now()));
        h.lifecycle.release("recordLaunchConfirmed");

        assertThat(result(launch).ec2InstanceId()).isEqualTo("i-0first");
        assertThat(h.lifecycle.methods(input.instanceId()))
                .containsExactly("recordLaunchRequested", "recordLaunchConfirmed");
        assertThat(h.lifecycle.events(input.instanceId())).extracting(Event::type)
                .containsExactly("INSTANCE_LAUNCHING", "INSTANCE_RUNNING");
    }

    @Test
    void confirmationNamingAnotherInstanceIsIgnored() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        h.launchStub(input).confirmLaunched(new LaunchConfirmation("someone-else", input.agentId(), "i-0wrong", h.now()));
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0right", h.now()));

        assertThat(result(launch).ec2InstanceId()).isEqualTo("i-0right");
    }

    @Test
    void launchFailsAtOnceWhenEc2RefusesForInsufficientCapacity() {
        LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
        h.agent.launches(Script.REFUSE).refusingWith(FailureTypes.INSUFFICIENT_CAPACITY,
                "We currently do not have sufficient m5.large capacity in the Availability Zone you requested.");

        LaunchResult result = result(h.startLaunch(input));

        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_FAILED);
        assertThat(result.reason()).startsWith(FailureTypes.INSUFFICIENT_CAPACITY).contains("sufficient m5.large capacity");
        assertThat(h.lifecycle.row(input.instanceId()).failureReason()).isEqualTo(result.reason());
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested", "recordLaunchFailed");
        assertThat(h.agent.launchCommands()).as("a non-retryable refusal is not retried").hasSize(1);
        assertThat(h.historyEventTypes(launchWorkflowId(input)))
                .as("settled by the refusal, not by the 5-minute timer")
                .doesNotContain(EventType.EVENT_TYPE_TIMER_FIRED);
        assertThat(h.lifecycle.commands(input.instanceId())).extracting(Command::status).containsExactly("FAILED");
    }

    @Test
    void awaitRecordedReturnsTheLaunchingRow() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);

        InstanceSnapshot recorded = launch.awaitRecorded();

        assertThat(recorded.instanceId()).isEqualTo(input.instanceId());
        assertThat(recorded.status()).isEqualTo(Statuses.LAUNCHING);
        assertThat(recorded.ec2InstanceId()).isNull();
        assertThat(recorded.clientId()).isEqualTo(input.clientId());
        assertThat(recorded.agentId()).isEqualTo(input.agentId());
        assertThat(recorded.requestId()).isEqualTo(input.requestId());
        assertThat(recorded.requestFingerprint()).isEqualTo(input.requestFingerprint());
        assertThat(recorded.launchRequestedAt()).isEqualTo(input.requestedAt());
        assertThat(launch.getProgress().phase()).isEqualTo("awaiting_confirmation");
        assertThat(h.searchAttribute(launchWorkflowId(input), SearchAttributes.INSTANCE_ID)).isEqualTo(input.instanceId());
    }

    @Test
    void startingTheSameLaunchTwiceYieldsOneExecution() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        WorkflowExecution first = WorkflowClient.start(
                h.client.newWorkflowStub(LaunchInstanceWorkflow.class, h.launchOptions(input))::launch, input);

        WorkflowExecution second = WorkflowClient.start(
                h.client.newWorkflowStub(LaunchInstanceWorkflow.class, h.launchOptions(input))::launch, input);
        LaunchInstanceWorkflow withoutConflictPolicy = h.client.newWorkflowStub(LaunchInstanceWorkflow.class,
                WorkflowOptions.newBuilder(h.launchOptions(input)).setWorkflowIdConflictPolicy(null).build());

        assertThat(second.getRunId()).isEqualTo(first.getRunId());
        assertThatThrownBy(() -> WorkflowClient.start(withoutConflictPolicy::launch, input))
                .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
        assertThat(h.launchStub(input).awaitRecorded().instanceId()).isEqualTo(input.instanceId());
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested");
    }

    @Test
    void updateWithStartTwiceReturnsTheSameInstanceFromOneExecution() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");

        InstanceSnapshot first = updateWithStart(input);
        InstanceSnapshot second = updateWithStart(input);

        assertThat(second).isEqualTo(first);
        assertThat(first.status()).isEqualTo(Statuses.LAUNCHING);
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested");
        assertThat(h.client.newUntypedWorkflowStub(launchWorkflowId(input)).describe().getStatus())
                .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    }

    private InstanceSnapshot updateWithStart(LaunchInstanceInput input) {
        LaunchInstanceWorkflow launch = h.client.newWorkflowStub(LaunchInstanceWorkflow.class, h.launchOptions(input));
        return WorkflowClient.executeUpdateWithStart(launch::awaitRecorded,
                UpdateOptions.<InstanceSnapshot>newBuilder().setWaitForStage(WorkflowUpdateStage.COMPLETED).build(),
                new WithStartWorkflowOperation<>(launch::launch, input));
    }
}
