package com.spotoptimizer.workflows.move;

import static com.spotoptimizer.workflows.move.MoveTestSupport.result;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflowImpl;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflowImpl;
import com.spotoptimizer.workflows.testing.MoveFixtures;
import com.spotoptimizer.workflows.testing.Statuses;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker that dies between the promotion and the old primary's termination: the next worker rebuilds the switch
 * from its history (no workflow cache here, so every task does exactly that) and goes on, repeating nothing.
 */
class MoveCrashRecoveryTest {

    private WorkflowTestHarness h;
    private MoveFixtures f;

    @BeforeEach
    void startTestServer() {
        h = WorkflowTestHarness.startReplayingEveryTask();
        f = new MoveFixtures(h);
    }

    @AfterEach
    void stopTestServer() {
        h.close();
    }

    @Test
    void switchInterruptedBetweenPromotionAndTerminationContinuesOnAFreshWorkerWithoutRepeatingAStep() throws Exception {
        LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
        SwitchInstanceInput input = f.switchInput(old, "MANUAL_SWITCH", CommandPriority.MANUAL_SWITCH, "sw-1", null);
        String replacement = input.replacement().instanceId();
        h.lifecycle.hold("recordTerminationRequested");
        SwitchInstanceWorkflow workflow = f.startSwitch(input);

        await("promoted, old primary's termination in flight", () -> h.lifecycle.isHeld("recordTerminationRequested"));
        assertThat(h.lifecycle.row(replacement).status()).isEqualTo(Statuses.RUNNING_PRIMARY);
        // What a restarted worker does first: rebuild the switch from the history written so far.
        WorkflowReplayer.replayWorkflowExecution(h.client.fetchHistory(WorkflowIds.move(old.clientId(), "sw-1")),
                SwitchInstanceWorkflowImpl.class, LaunchInstanceWorkflowImpl.class, TerminateInstanceWorkflowImpl.class);
        h.lifecycle.release("recordTerminationRequested");

        MoveResult result = result(workflow);
        assertThat(result.succeeded()).isTrue();
        assertThat(h.lifecycle.row(old.instanceId()).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(h.lifecycle.methods(replacement)).filteredOn("recordPromoted"::equals).hasSize(1);
        assertThat(h.agent.launchCommands()).hasSize(1);
        assertThat(h.agent.terminateCommands()).hasSize(1);
        assertThat(h.moves.outcomes()).containsExactly(result);
    }
}
