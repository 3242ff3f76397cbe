package com.spotoptimizer.workflows.terminate;

import com.spotoptimizer.workflows.agent.CommandPriority;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Command;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Event;
import com.spotoptimizer.workflows.testing.ScriptedAgent.Script;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TerminateInstanceWorkflowTest {

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
    void terminationEndsTerminatedWhenTheAgentActivityConfirms() {
        LaunchInstanceInput launch = running(Transport.TEMPORAL);
        String ec2InstanceId = h.lifecycle.row(launch.instanceId()).ec2InstanceId();
        TerminateInstanceInput input = h.terminateInput(launch, "term-1");

        TerminateResult result = result(h.startTermination(input));

        assertThat(result).isEqualTo(new TerminateResult(launch.instanceId(), Statuses.TERMINATED, null));
        assertThat(h.agent.terminateCommands()).singleElement().isEqualTo(new TerminateCommand(
                WorkflowIds.terminate(launch.instanceId()), TerminateInstanceWorkflowImpl.commandId(input),
                launch.instanceId(), ec2InstanceId,
                ClientTokens.forLaunch(launch.clientId(), launch.requestId(), launch.instanceType()), CommandPriority.CRITICAL));
        assertThat(h.agent.runningInstances()).isEmpty();
        assertThat(h.lifecycle.methods(launch.instanceId()))
                .containsExactly("recordTerminationRequested", "recordTerminated");
        assertThat(h.lifecycle.events(launch.instanceId())).extracting(Event::type)
                .containsExactly("INSTANCE_TERMINATING", "INSTANCE_TERMINATED");
        assertThat(h.lifecycle.commands(launch.instanceId())).extracting(Command::commandId, Command::status)
                .containsExactly(tuple(TerminateInstanceWorkflowImpl.commandId(input), "COMPLETED"));
        assertThat(h.searchAttribute(WorkflowIds.terminate(launch.instanceId()), SearchAttributes.INSTANCE_STATE))
                .isEqualTo(Statuses.TERMINATED);
    }

    @Test
    void terminationOverHttpEndsTerminatedWhenTheAgentConfirmsBySignal() {
        LaunchInstanceInput launch = running(Transport.HTTP);
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));

        InstanceSnapshot recorded = termination.awaitRecorded();
        assertThat(recorded.status()).isEqualTo(Statuses.TERMINATING);
        assertThat(h.lifecycle.commands(launch.instanceId())).extracting(Command::status).containsExactly("QUEUED");

        // What the API does with POST /api/agents/{id}/instance-terminated.
        h.terminationStub(launch.instanceId()).confirmTerminated(
                new TerminationConfirmation(launch.instanceId(), launch.agentId(), recorded.ec2InstanceId(), h.now()));

        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.row(launch.instanceId()).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.agent.terminateCommands()).isEmpty();
    }

    @Test
    void terminationFailsWithTimeoutWhenNotConfirmedWithinThreeMinutes() {
        LaunchInstanceInput launch = running(Transport.HTTP);
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));

        TerminateResult result = result(termination);

        assertThat(result.status()).isEqualTo(Statuses.TERMINATION_TIMED_OUT);
        assertThat(result.reason()).isEqualTo("not confirmed within 180s");
        assertThat(h.lifecycle.row(launch.instanceId()).failureReason()).isEqualTo(result.reason());
        assertThat(h.lifecycle.methods(launch.instanceId()))
                .containsExactly("recordTerminationRequested", "recordTerminationTimedOut");
        assertThat(h.lifecycle.commands(launch.instanceId())).extracting(Command::status).containsExactly("CANCELLED");
        HistoryEvent timer = h.client.fetchHistory(WorkflowIds.terminate(launch.instanceId())).getEvents().stream()
                .filter(HistoryEvent::hasTimerStartedEventAttributes).findFirst().orElseThrow();
        assertThat(Duration.ofSeconds(timer.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds()))
                .as("the deadline runs from the start: the recording step's time is taken off the wait")
                .isBetween(Duration.ofMinutes(3).minusSeconds(5), Duration.ofMinutes(3));
    }

    @Test
    void terminationConfirmedAtTwoMinutesFiftyNineSecondsStillSucceeds() {
        LaunchInstanceInput launch = running(Transport.HTTP);
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
        termination.awaitRecorded();

        h.env.sleep(Duration.ofMinutes(2).plusSeconds(59));
        h.terminationStub(launch.instanceId()).confirmTerminated(
                new TerminationConfirmation(launch.instanceId(), launch.agentId(), null, h.now()));

        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.historyEventTypes(WorkflowIds.terminate(launch.instanceId())))
                .doesNotContain(EventType.EVENT_TYPE_TIMER_FIRED);
    }

    @Test
    void duplicateTerminationConfirmationsRecordOneTransition() {
        LaunchInstanceInput launch = running(Transport.HTTP);
        TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
        String ec2InstanceId = termination.awaitRecorded().ec2InstanceId();

        TerminateInstanceWorkflow agentSide = h.terminationStub(launch.instanceId());
        for (int i = 0; i < 3; i++) {
            agentSide.confirmTerminated(new TerminationConfirmation(launch.instanceId(), launch.agentId(), ec2InstanceId, h.now()));
        }

        assertThat(result(termination).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.methods(launch.instanceId()))
                .containsExactly("recordTerminationRequested", "recordTerminated");
        assertThat(h.lifecycle.events(launch.instanceId())).extracting(Event::type)
                .containsExactly("INSTANCE_TERMINATING", "INSTANCE_TERMINATED");
    }

    @Test
    void terminationFailsWhenEc2RefusesIt() {
        LaunchInstanceInput launch = running(Transport.TEMPORAL);
        h.agent.terminations(Script.REFUSE).refusingWith(FailureTypes.UNAUTHORIZED,
                "You are not authorized to perform this operation.");

        TerminateResult result = result(h.startTermination(h.terminateInput(launch, "term-1")));

        assertThat(result.status()).isEqualTo(Statuses.TERMINATION_FAILED);
        assertThat(result.reason()).startsWith(FailureTypes.UNAUTHORIZED).contains("not authorized");
        assertThat(h.lifecycle.methods(launch.instanceId()))
                .containsExactly("recordTerminationRequested", "recordTerminationFailed");
        assertThat(h.agent.terminateCommands()).as("a non-retryable refusal is not retried").hasSize(1);
        assertThat(h.historyEventTypes(WorkflowIds.terminate(launch.instanceId())))
                .as("settled by the refusal, not by the 3-minute timer").doesNotContain(EventType.EVENT_TYPE_TIMER_FIRED);
    }

    @Test
    void terminatingAnInstanceAlreadyTerminatedEndsAtOnceWithoutTheAgent() {
        LaunchInstanceInput launch = h.launchInput(Transport.TEMPORAL, "primary");
        h.lifecycle.seed(launch, Statuses.TERMINATED, "i-0gone");

        TerminateResult result = result(h.startTermination(h.terminateInput(launch, "term-2")));

        assertThat(result.status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.agent.terminateCommands()).isEmpty();
        assertThat(h.lifecycle.calls(launch.instanceId())).singleElement()
                .satisfies(call -> assertThat(call.changed()).isFalse());
    }

    @Test
    void terminatingATimedOutLaunchFindsTheLateInstanceByClientToken() {
        LaunchInstanceInput launch = h.launchInput(Transport.TEMPORAL, "primary");
        h.lifecycle.seed(launch, Statuses.LAUNCH_TIMED_OUT, null);
        // EC2 started it after the launch had been given up on.
        h.agent.runInstances(ClientTokens.forLaunch(launch.clientId(), launch.requestId(), launch.instanceType()));

        TerminateResult result = result(h.startTermination(h.terminateInput(launch, "term-1")));

        assertThat(result.status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.agent.terminateCommands()).singleElement()
                .satisfies(command -> assertThat(command.ec2InstanceId()).isNull());
        assertThat(h.agent.runningInstances()).isEmpty();
    }

    /** A running instance, as a confirmed launch leaves it in the database and in EC2. */
    private LaunchInstanceInput running(Transport transport) {
        LaunchInstanceInput launch = h.launchInput(transport, "primary");
        String ec2InstanceId = h.agent.runInstances(
                ClientTokens.forLaunch(launch.clientId(), launch.requestId(), launch.instanceType()));
        h.lifecycle.seed(launch, Statuses.RUNNING_PRIMARY, ec2InstanceId);
        return launch;
    }
}
