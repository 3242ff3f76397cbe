package com.spotoptimizer.workflows.launch;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchAlternative;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.lifecycle.LaunchAttempt.SkippedAlternative;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.LaunchRefusal;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Command;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Event;
import com.spotoptimizer.workflows.testing.ScriptedAgent;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A launch with alternatives tries the next one when EC2 refuses for capacity, each with a ClientToken of its own. */
class CapacityFallbackTest {

    private WorkflowTestHarness h;

    @BeforeEach
    void startTestServer() {
        h = WorkflowTestHarness.start();
    }

    @AfterEach
    void stopTestServer() {
        h.close();
    }

    private LaunchInstanceInput withAlternatives(LaunchAlternative... alternatives) {
        LaunchInstanceInput base = h.launchInput(Transport.TEMPORAL, "primary");
        return new LaunchInstanceInput(base.instanceId(), base.clientId(), base.agentId(), base.transport(),
                base.agentTaskQueue(), base.requestId(), base.requestFingerprint(), base.instanceType(), base.role(),
                base.spec(), base.metadataJson(), base.requestedAt(), base.confirmationTimeout(),
                base.lateConfirmationWindow(), base.terminationTimeout(), base.priority(), null, List.of(alternatives));
    }

    @Test
    void firstTypeRefusedForCapacityThenTheSecondAlternativeRuns() {
        h.agent.noCapacityFor("m5.large", FailureTypes.INSUFFICIENT_CAPACITY);
        LaunchInstanceInput input = withAlternatives(new LaunchAlternative("c5.large", "subnet-2"),
                new LaunchAlternative("r5.large", "subnet-3"));

        LaunchResult result = result(h.startLaunch(input));

        assertThat(result.status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        List<LaunchCommand> commands = h.agent.launchCommands();
        assertThat(commands).extracting(LaunchCommand::instanceType).containsExactly("m5.large", "c5.large");
        assertThat(commands.get(1).spec().subnetId()).isEqualTo("subnet-2");
        assertThat(commands.get(0).clientToken())
                .isEqualTo(ClientTokens.forLaunch(input.clientId(), input.requestId(), "m5.large"));
        assertThat(commands.get(1).clientToken()).isNotEqualTo(commands.get(0).clientToken())
                .isEqualTo(ClientTokens.forAttempt(input.clientId(), input.requestId(), 1, "c5.large", "subnet-2"));
        assertThat(h.lifecycle.row(input.instanceId()).instanceType()).isEqualTo("c5.large");
        assertThat(h.lifecycle.launchedWith(input.instanceId())).isEqualTo("c5.large/subnet-2");
        assertThat(h.lifecycle.skipped(input.instanceId())).extracting(SkippedAlternative::instanceType,
                SkippedAlternative::subnetId).containsExactly(org.assertj.core.groups.Tuple.tuple("m5.large", "subnet-1"));
        assertThat(h.lifecycle.skipped(input.instanceId()).get(0).reason()).startsWith("InsufficientInstanceCapacity");
        assertThat(h.lifecycle.events(input.instanceId())).extracting(Event::type)
                .containsExactly("INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_ATTEMPT", "INSTANCE_RUNNING");
    }

    @Test
    void everyAlternativeRefusedEndsLaunchFailedNamingEach() {
        h.agent.noCapacityFor("m5.large", FailureTypes.INSUFFICIENT_CAPACITY)
                .noCapacityFor("c5.large", FailureTypes.UNSUPPORTED);
        LaunchInstanceInput input = withAlternatives(new LaunchAlternative("c5.large", null));

        LaunchResult result = result(h.startLaunch(input));

        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_FAILED);
        assertThat(result.reason()).startsWith("EC2 refused every alternative: m5.large in subnet-1: "
                + "InsufficientInstanceCapacity").contains("; c5.large: Unsupported");
        assertThat(h.lifecycle.launchedWith(input.instanceId())).isNull();
        assertThat(h.lifecycle.skipped(input.instanceId())).extracting(SkippedAlternative::instanceType)
                .containsExactly("m5.large", "c5.large");
        assertThat(h.agent.runningInstances()).isEmpty();
    }

    @Test
    void aRefusalOtherThanCapacityDoesNotFallBack() {
        h.agent.noCapacityFor("m5.large", FailureTypes.INVALID_PARAMETER);
        LaunchInstanceInput input = withAlternatives(new LaunchAlternative("c5.large", null));

        LaunchResult result = result(h.startLaunch(input));

        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_FAILED);
        assertThat(result.reason()).startsWith("InvalidParameterValue");
        assertThat(h.agent.launchCommands()).hasSize(1);
    }

    @Test
    void aCallReportOfTheRefusedAttemptArrivingLateDoesNotMoveTheNextAttemptsDeadline() {
        h.agent.noCapacityFor("m5.large", FailureTypes.INSUFFICIENT_CAPACITY).launches(ScriptedAgent.Script.NEVER_CONFIRM);
        LaunchInstanceInput input = withAlternatives(new LaunchAlternative("c5.large", null));
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        await("the second attempt is with the agent", () -> h.agent.launchCommands().size() == 2);
        assertThat(h.agent.launchCommands()).extracting(LaunchCommand::attempt).containsExactly(0, 1);

        h.env.sleep(Duration.ofMinutes(3));
        // Attempt 0's reports, delayed in transit: they would push attempt 1's deadline to 3 + 5 minutes.
        h.launchStub(input).launchQueued(new LaunchQueued(input.instanceId(), input.agentId(), "late", h.now(), 0));
        h.launchStub(input).launchCallMade(new LaunchCallMade(input.instanceId(), input.agentId(), h.now(), 0));
        h.env.sleep(Duration.ofMinutes(3));

        await("attempt 1 timed out 5 min after it began", () ->
                Statuses.LAUNCH_TIMED_OUT.equals(h.lifecycle.row(input.instanceId()).status()));
        assertThat(result(launch).reason()).isEqualTo("not confirmed within 300s");
        assertThat(h.lifecycle.methods(input.instanceId())).doesNotContain("recordLaunchCallMade", "recordLaunchQueued");
    }

    @Test
    void aCallReportOfTheCurrentAttemptMovesItsDeadline() {
        h.agent.noCapacityFor("m5.large", FailureTypes.INSUFFICIENT_CAPACITY).launches(ScriptedAgent.Script.NEVER_CONFIRM);
        LaunchInstanceInput input = withAlternatives(new LaunchAlternative("c5.large", null));
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        await("the second attempt is with the agent", () -> h.agent.launchCommands().size() == 2);

        h.env.sleep(Duration.ofMinutes(3));
        h.launchStub(input).launchCallMade(new LaunchCallMade(input.instanceId(), input.agentId(), h.now(), 1));
        h.env.sleep(Duration.ofMinutes(4));
        assertThat(h.lifecycle.row(input.instanceId()).status()).as("7 min after attempt 1 began, 4 after its call")
                .isEqualTo(Statuses.LAUNCHING);
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0second",
                h.now()));

        assertThat(result(launch).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.row(input.instanceId()).instanceType()).isEqualTo("c5.large");
        assertThat(h.lifecycle.methods(input.instanceId())).contains("recordLaunchCallMade");
    }

    private LaunchInstanceInput overHttpWithAlternatives(LaunchAlternative... alternatives) {
        LaunchInstanceInput base = withAlternatives(alternatives);
        return new LaunchInstanceInput(base.instanceId(), base.clientId(), base.agentId(), Transport.HTTP,
                base.agentTaskQueue(), base.requestId(), base.requestFingerprint(), base.instanceType(), base.role(),
                base.spec(), base.metadataJson(), base.requestedAt(), base.confirmationTimeout(),
                base.lateConfirmationWindow(), base.terminationTimeout(), base.priority(), null, base.alternatives());
    }

    @Test
    void httpAgentsCapacityRefusalQueuesTheNextAlternativeAsACommandOfItsOwn() {
        LaunchInstanceInput input = overHttpWithAlternatives(new LaunchAlternative("c5.large", "subnet-2"));
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        // What the API makes of a failed LAUNCH_INSTANCE result whose message names InsufficientInstanceCapacity.
        h.launchStub(input).reportLaunchRefused(new LaunchRefusal(input.instanceId(),
                "An error occurred (InsufficientInstanceCapacity) when calling the RunInstances operation",
                FailureTypes.INSUFFICIENT_CAPACITY, 0));
        await("attempt 1 is queued for the agent", () -> h.lifecycle.httpAttemptCommands().size() == 1);
        LaunchCommand second = h.lifecycle.httpAttemptCommands().get(0);
        assertThat(second.attempt()).isEqualTo(1);
        assertThat(second.instanceType()).isEqualTo("c5.large");
        assertThat(second.spec().subnetId()).isEqualTo("subnet-2");
        assertThat(second.clientToken())
                .isEqualTo(ClientTokens.forAttempt(input.clientId(), input.requestId(), 1, "c5.large", "subnet-2"));
        assertThat(h.lifecycle.commands(input.instanceId())).extracting(Command::commandId, Command::status)
                .containsExactly(tuple("launch-" + input.instanceId(), "FAILED"),
                        tuple("launch-" + input.instanceId() + "-attempt-1", "QUEUED"));

        // The first attempt's result, delivered again: it is not the second attempt's.
        h.launchStub(input).reportLaunchRefused(new LaunchRefusal(input.instanceId(), "InsufficientInstanceCapacity",
                FailureTypes.INSUFFICIENT_CAPACITY, 0));
        h.launchStub(input).launchCallMade(new LaunchCallMade(input.instanceId(), input.agentId(), h.now(), 1));
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0second",
                h.now()));

        assertThat(result(launch).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.row(input.instanceId()).instanceType()).isEqualTo("c5.large");
        assertThat(h.lifecycle.launchedWith(input.instanceId())).isEqualTo("c5.large/subnet-2");
        assertThat(h.lifecycle.skipped(input.instanceId())).singleElement()
                .extracting(SkippedAlternative::instanceType).isEqualTo("m5.large");
        assertThat(h.lifecycle.commands(input.instanceId())).extracting(Command::status)
                .containsExactly("FAILED", "COMPLETED");
    }

    @Test
    void httpAgentsCapacityRefusalOfTheLastAlternativeEndsLaunchFailedNamingEach() {
        LaunchInstanceInput input = overHttpWithAlternatives(new LaunchAlternative("c5.large", null));
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        h.launchStub(input).reportLaunchRefused(new LaunchRefusal(input.instanceId(), "InsufficientInstanceCapacity",
                FailureTypes.INSUFFICIENT_CAPACITY, 0));
        await("attempt 1 is queued for the agent", () -> h.lifecycle.httpAttemptCommands().size() == 1);
        h.launchStub(input).reportLaunchRefused(new LaunchRefusal(input.instanceId(), "Unsupported: not in this zone",
                FailureTypes.UNSUPPORTED, 1));

        LaunchResult result = result(launch);
        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_FAILED);
        assertThat(result.reason()).isEqualTo("EC2 refused every alternative: m5.large in subnet-1: "
                + "InsufficientInstanceCapacity; c5.large: Unsupported: not in this zone");
        assertThat(h.lifecycle.commands(input.instanceId())).extracting(Command::status).containsOnly("FAILED");
    }

    @Test
    void httpAgentsRefusalOtherThanCapacityEndsTheLaunchWithoutFallingBack() {
        LaunchInstanceInput input = overHttpWithAlternatives(new LaunchAlternative("c5.large", null));
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        h.launchStub(input).reportLaunchRefused(new LaunchRefusal(input.instanceId(),
                "InvalidAMIID.NotFound: no such image", null, 0));

        LaunchResult result = result(launch);
        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_FAILED);
        assertThat(result.reason()).isEqualTo("InvalidAMIID.NotFound: no such image");
        assertThat(h.lifecycle.httpAttemptCommands()).isEmpty();
    }
}
