package com.spotoptimizer.workflows.move;

import static com.spotoptimizer.workflows.move.MoveTestSupport.result;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Event;
import com.spotoptimizer.workflows.testing.MoveFixtures;
import com.spotoptimizer.workflows.testing.ScriptedAgent.Script;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SwitchInstanceWorkflowTest {

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
    void switchLaunchesReplicaPromotesItThenTerminatesTheOldPrimaryAtTheCommandsPriority() {
        LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
        String oldEc2 = f.ec2Of(old);
        SwitchInstanceInput input = f.switchInput(old, "MANUAL_SWITCH", CommandPriority.MANUAL_SWITCH, "sw-1", null);
        String replacement = input.replacement().instanceId();

        MoveResult result = result(f.startSwitch(input));

        assertThat(result).isEqualTo(MoveResult.succeeded(input.command().commandId(), replacement, old.instanceId(),
                "replaced by " + replacement));
        assertThat(h.lifecycle.row(replacement).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.moves.role(replacement)).isEqualTo("primary");
        assertThat(h.lifecycle.row(old.instanceId()).status()).isEqualTo(Statuses.TERMINATED);
        String newEc2 = h.lifecycle.row(replacement).ec2InstanceId();
        assertThat(h.agent.runningInstances()).as("EC2's ground truth: the new one runs, the old one ended")
                .containsExactly(newEc2).doesNotContain(oldEc2);
        assertThat(h.agent.launchCommands()).extracting(LaunchCommand::role, LaunchCommand::instanceType,
                LaunchCommand::priority).containsExactly(org.assertj.core.groups.Tuple.tuple("replica", "m6i.large", 75));
        assertThat(h.agent.terminateCommands()).extracting(TerminateCommand::instanceId, TerminateCommand::priority)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(old.instanceId(), 75));
        assertThat(h.lifecycle.events(replacement)).extracting(Event::type).containsExactly(
                "INSTANCE_LAUNCHING", "INSTANCE_RUNNING", "INSTANCE_PROMOTING", "INSTANCE_PROMOTED");
        assertThat(h.moves.commandStatus(input.command().commandId())).isEqualTo("COMPLETED");
        assertThat(h.moves.outcomes()).containsExactly(result);
    }

    @Test
    void refusedReplacementFailsTheSwitchAndLeavesTheOldPrimaryUntouched() {
        LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
        h.agent.launches(Script.REFUSE).refusingWith(FailureTypes.INSUFFICIENT_CAPACITY, "no m6i.large capacity");
        SwitchInstanceInput input = f.switchInput(old, "ML_URGENT_SWITCH", CommandPriority.ML_URGENT_SWITCH, "sw-1", null);

        MoveResult result = result(f.startSwitch(input));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.reason()).startsWith("replacement did not run: launch_failed");
        assertThat(result.newInstanceId()).isNull();
        assertThat(h.lifecycle.row(old.instanceId()).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.methods(old.instanceId())).as("no transition of the old primary").isEmpty();
        assertThat(h.agent.runningInstances()).containsExactly(f.ec2Of(old));
        assertThat(h.moves.commandStatus(input.command().commandId())).isEqualTo("FAILED");
        assertThat(h.moves.outcomes()).containsExactly(result);
    }

    @Test
    void replacementNotConfirmedInFiveMinutesFailsTheSwitchAndIsTerminatedWhenItTurnsUpLate() {
        LaunchInstanceInput old = f.runningPrimary(Transport.HTTP);
        SwitchInstanceInput input = f.switchInput(old, "ML_NORMAL_SWITCH", CommandPriority.ML_NORMAL_SWITCH, "sw-1", null);
        String replacement = input.replacement().instanceId();
        SwitchInstanceWorkflow workflow = f.startSwitch(input);
        workflow.awaitRecorded();

        h.env.sleep(Duration.ofMinutes(5).plusSeconds(31));
        await("switch failed", () -> workflow.getPhase() == MovePhase.FAILED);
        assertThat(h.lifecycle.row(replacement).status()).isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        assertThat(h.lifecycle.row(old.instanceId()).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.moves.outcomes()).singleElement().satisfies(outcome -> {
            assertThat(outcome.succeeded()).isFalse();
            assertThat(outcome.reason()).startsWith("replacement did not run: launch_timed_out");
        });

        // The HTTP agent's launch went through after all: the launch workflow terminates it.
        h.launchStub(input.replacement()).confirmLaunched(
                new LaunchConfirmation(replacement, old.agentId(), "i-0late", h.now()));
        await("late replacement being terminated",
                () -> Statuses.TERMINATING.equals(h.lifecycle.row(replacement).status()));
        h.terminationStub(replacement).confirmTerminated(
                new TerminationConfirmation(replacement, old.agentId(), "i-0late", h.now()));
        WorkflowTestHarness.result(h.terminationStub(replacement));
        assertThat(h.lifecycle.row(replacement).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(result(workflow).succeeded()).isFalse();
    }

    @Test
    void replicaEndedByEc2DuringPromotionFailsTheSwitchAndTheOldPrimaryStaysPrimary() {
        LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
        SwitchInstanceInput input = f.switchInput(old, "MANUAL_SWITCH", CommandPriority.MANUAL_SWITCH, "sw-1", null);
        String replacement = input.replacement().instanceId();
        h.lifecycle.hold("recordPromoted");
        SwitchInstanceWorkflow workflow = f.startSwitch(input);

        await("promotion in flight", () -> h.lifecycle.isHeld("recordPromoted"));
        assertThat(h.lifecycle.row(replacement).status()).isEqualTo(Statuses.PROMOTING);
        h.lifecycle.endedOutside(replacement, "spot_interruption"); // ground truth: EC2 ended it
        h.lifecycle.release("recordPromoted");

        MoveResult result = result(workflow);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.reason()).isEqualTo("replica ended during promotion (terminated: spot_interruption)");
        assertThat(h.lifecycle.row(old.instanceId()).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.methods(old.instanceId())).isEmpty();
        assertThat(h.agent.terminateCommands()).isEmpty();
    }

    @Test
    void promotionThatCannotBeRecordedIsAbandonedAndTheReplacementTerminated() {
        LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
        SwitchInstanceInput input = f.switchInput(old, "MANUAL_SWITCH", CommandPriority.MANUAL_SWITCH, "sw-1", null);
        String replacement = input.replacement().instanceId();
        h.lifecycle.failAlways("recordPromoted");

        MoveResult result = result(f.startSwitch(input));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.reason()).startsWith("promotion could not be recorded");
        assertThat(h.lifecycle.methods(replacement)).contains("recordPromotionAbandoned", "recordTerminated");
        assertThat(h.lifecycle.row(replacement).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.row(old.instanceId()).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.agent.runningInstances()).containsExactly(f.ec2Of(old));
    }

    @Test
    void oldPrimaryTerminationNotConfirmedInThreeMinutesLeavesTheNewPrimaryServingAndReportsIt() {
        LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
        h.agent.terminations(Script.NEVER_CONFIRM);
        SwitchInstanceInput input = f.switchInput(old, "MANUAL_SWITCH", CommandPriority.MANUAL_SWITCH, "sw-1", null);
        String replacement = input.replacement().instanceId();

        MoveResult result = result(f.startSwitch(input));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.reason()).isEqualTo("old primary not terminated: termination_timed_out (not confirmed within 180s)");
        assertThat(result.newInstanceId()).isEqualTo(replacement);
        assertThat(h.lifecycle.row(replacement).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.row(old.instanceId()).status()).isEqualTo(Statuses.TERMINATION_TIMED_OUT);
    }

    @Test
    void sameRequestAgainJoinsTheSameSwitch() {
        LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
        SwitchInstanceInput input = f.switchInput(old, "MANUAL_SWITCH", CommandPriority.MANUAL_SWITCH, "sw-1", null);

        SwitchInstanceWorkflow first = f.startSwitch(input);
        SwitchInstanceWorkflow second = f.startSwitch(input);

        assertThat(WorkflowTestHarness.untyped(second).getExecution().getRunId())
                .isEqualTo(WorkflowTestHarness.untyped(first).getExecution().getRunId());
        assertThat(result(second).succeeded()).isTrue();
        assertThat(h.agent.launchCommands()).hasSize(1);
        assertThat(h.moves.outcomes()).hasSize(1);
    }

    @Test
    void scheduledMaintenanceWaitsForNotBeforeOnADurableTimer() {
        LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
        SwitchInstanceInput input = f.switchInput(old, "SCHEDULED_MAINTENANCE", CommandPriority.SCHEDULED_MAINTENANCE,
                "mnt-1", h.now().plus(Duration.ofHours(2)));
        SwitchInstanceWorkflow workflow = f.startSwitch(input);
        workflow.awaitRecorded();
        await("waiting", () -> workflow.getPhase() == MovePhase.WAITING_NOT_BEFORE);

        h.env.sleep(Duration.ofMinutes(119));
        assertThat(h.agent.launchCommands()).as("nothing launched before not_before").isEmpty();

        MoveResult result = result(workflow);
        assertThat(result.succeeded()).isTrue();
        assertThat(h.agent.launchCommands()).singleElement().extracting(LaunchCommand::priority).isEqualTo(10);
        assertThat(h.historyEventTypes(WorkflowIds.move(old.clientId(), "mnt-1")))
                .contains(io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED);
    }
}
