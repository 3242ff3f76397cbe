package com.spotoptimizer.workflows.testing;

import com.spotoptimizer.workflows.agent.CommandPriority;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fake must behave like the database implementation, or the workflow tests prove nothing. */
class InMemoryLifecycleTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final InMemoryLifecycle lifecycle = new InMemoryLifecycle();
    private final LaunchInstanceInput launch = new LaunchInstanceInput("inst-1", "client-1", "a1", Transport.HTTP,
            "spot-agent-a1", "req-1", "fp", "m5.large", "primary", LaunchSpec.empty(), "{}", T0,
            Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofMinutes(3), CommandPriority.CRITICAL);

    @Test
    void repeatedTransitionsReturnTheRowUnchanged() {
        InstanceSnapshot first = lifecycle.recordLaunchRequested(launch);
        InstanceSnapshot again = lifecycle.recordLaunchRequested(launch);
        InstanceSnapshot running = lifecycle.recordLaunchConfirmed(new LaunchConfirmation("inst-1", "agent-1", "i-1", T0.plusSeconds(40)));
        InstanceSnapshot runningAgain = lifecycle.recordLaunchConfirmed(new LaunchConfirmation("inst-1", "agent-1", "i-2", T0.plusSeconds(50)));

        assertThat(again).isEqualTo(first);
        assertThat(runningAgain).isEqualTo(running);
        assertThat(running.ec2InstanceId()).isEqualTo("i-1");
        assertThat(lifecycle.launchDuration("inst-1")).isEqualTo(Duration.ofSeconds(40));
        assertThat(lifecycle.events("inst-1")).hasSize(2);
        assertThat(lifecycle.calls("inst-1")).extracting(InMemoryLifecycle.Call::changed)
                .containsExactly(true, false, true, false);
    }

    @Test
    void settledLaunchIgnoresALaterOutcome() {
        lifecycle.recordLaunchRequested(launch);
        lifecycle.recordLaunchFailed(new Outcome("inst-1", "InsufficientInstanceCapacity"));

        InstanceSnapshot afterTimeout = lifecycle.recordLaunchTimedOut(new Outcome("inst-1", "not confirmed"));

        assertThat(afterTimeout.status()).isEqualTo(Statuses.LAUNCH_FAILED);
        assertThat(afterTimeout.failureReason()).isEqualTo("InsufficientInstanceCapacity");
    }

    @Test
    void lateConfirmationOnATimedOutRowOnlyAttachesTheEc2Id() {
        lifecycle.recordLaunchRequested(launch);
        lifecycle.recordLaunchTimedOut(new Outcome("inst-1", "not confirmed within 300s"));

        InstanceSnapshot late = lifecycle.recordLaunchConfirmed(new LaunchConfirmation("inst-1", "agent-1", "i-late", T0.plusSeconds(400)));

        assertThat(late.status()).isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        assertThat(late.ec2InstanceId()).isEqualTo("i-late");
    }

    @Test
    void terminatedRowCannotBeTerminatedAgainNorFailed() {
        lifecycle.seed(launch, Statuses.TERMINATED, "i-1");

        assertThat(lifecycle.recordTerminationRequested(terminate()).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(lifecycle.recordTerminationFailed(new Outcome("inst-1", "x")).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(lifecycle.recordTerminated(new TerminationConfirmation("inst-1", "agent-1", "i-1", T0)).status())
                .isEqualTo(Statuses.TERMINATED);
        assertThat(lifecycle.events("inst-1")).isEmpty();
    }

    @Test
    void forbiddenTransitionsAndUnknownInstancesAreRejectedWithoutRetry() {
        assertThat(Statuses.canMove(Statuses.TERMINATED, Statuses.TERMINATING)).isFalse();
        assertThat(Statuses.canMove(Statuses.LAUNCHING, Statuses.TERMINATED)).isFalse();
        assertThatThrownBy(() -> lifecycle.recordLaunchConfirmed(new LaunchConfirmation("nope", "agent-1", "i-1", T0)))
                .isInstanceOf(ApplicationFailure.class)
                .satisfies(e -> assertThat(((ApplicationFailure) e).isNonRetryable()).isTrue());
    }

    private TerminateInstanceInput terminate() {
        return new TerminateInstanceInput("inst-1", "client-1", "a1", Transport.HTTP, "spot-agent-a1", "req-1",
                "m5.large", "term-1", "user", T0, Duration.ofMinutes(3), CommandPriority.CRITICAL);
    }
}
