package com.spotoptimizer.workflows.launch;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle.Event;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The confirmation deadline runs from the agent's EC2 call; while queued, the bounded queue wait applies. */
class LaunchPacingTest {

    private static final String WAITING = "waiting for RunInstances capacity budget; 1,000+ ahead at priority ≥ 25";

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
    void launchQueuedTenMinutesThenConfirmedFourMinutesAfterItsCallIsNotTimedOut() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        h.launchStub(input).launchQueued(new LaunchQueued(input.instanceId(), input.agentId(), WAITING, h.now()));
        h.env.sleep(Duration.ofMinutes(10));
        h.launchStub(input).launchCallMade(new LaunchCallMade(input.instanceId(), input.agentId(), h.now()));
        h.env.sleep(Duration.ofMinutes(4));
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0paced", h.now()));

        LaunchResult result = result(launch);
        assertThat(result.status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(result.ec2InstanceId()).isEqualTo("i-0paced");
        assertThat(h.lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested",
                "recordLaunchQueued", "recordLaunchCallMade", "recordLaunchConfirmed");
        assertThat(h.lifecycle.events(input.instanceId())).extracting(Event::type).containsExactly(
                "INSTANCE_LAUNCHING", "INSTANCE_LAUNCH_QUEUED", "INSTANCE_LAUNCH_CALL_MADE", "INSTANCE_RUNNING");
        assertThat(h.lifecycle.launchCallAt(input.instanceId())).isNotNull();
        assertThat(h.lifecycle.launchQueuedReason(input.instanceId())).as("cleared by the call").isNull();
    }

    @Test
    void launchThatNeverGetsATurnEndsWithTheQueueWaitReason() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();
        h.launchStub(input).launchQueued(new LaunchQueued(input.instanceId(), input.agentId(), WAITING, h.now()));

        h.env.sleep(Duration.ofMinutes(29));
        assertThat(h.lifecycle.row(input.instanceId()).status()).as("still queued at 29 min").isEqualTo(Statuses.LAUNCHING);

        LaunchResult result = result(launch);
        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        assertThat(result.reason()).isEqualTo("never got an EC2 turn within 1800s (" + WAITING + ")");
        assertThat(h.lifecycle.row(input.instanceId()).failureReason()).isEqualTo(result.reason());
    }

    @Test
    void callMadeLateMovesTheDeadlineToFiveMinutesAfterTheCall() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        h.env.sleep(Duration.ofMinutes(3));
        h.launchStub(input).launchCallMade(new LaunchCallMade(input.instanceId(), input.agentId(), h.now()));
        h.env.sleep(Duration.ofMinutes(4));
        assertThat(h.lifecycle.row(input.instanceId()).status()).as("7 min after the start, 4 after the call")
                .isEqualTo(Statuses.LAUNCHING);

        LaunchResult result = result(launch);
        assertThat(result.status()).isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        assertThat(result.reason()).isEqualTo("not confirmed within 300s");
    }

    @Test
    void sameQueueReasonIsRecordedOnceAndAnotherAgentsReportIsIgnored() {
        LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
        LaunchInstanceWorkflow launch = h.startLaunch(input);
        launch.awaitRecorded();

        for (int i = 0; i < 3; i++) {
            h.launchStub(input).launchQueued(new LaunchQueued(input.instanceId(), input.agentId(), WAITING, h.now()));
            h.env.sleep(Duration.ofSeconds(5));
        }
        h.launchStub(input).launchQueued(new LaunchQueued(input.instanceId(), "someone-else", "forged", h.now()));
        h.launchStub(input).launchCallMade(new LaunchCallMade(input.instanceId(), "someone-else", h.now()));
        h.launchStub(input).launchQueued(new LaunchQueued(input.instanceId(), input.agentId(),
                "waiting for RunInstances capacity budget; next in line at priority ≥ 25", h.now()));
        await("the second reason is recorded", () -> h.lifecycle.methods(input.instanceId()).stream()
                .filter("recordLaunchQueued"::equals).count() == 2);
        h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0q", h.now()));

        assertThat(result(launch).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        assertThat(h.lifecycle.events(input.instanceId())).extracting(Event::reason)
                .doesNotContain("forged").contains(WAITING);
        assertThat(h.lifecycle.methods(input.instanceId())).doesNotContain("recordLaunchCallMade");
    }
}
