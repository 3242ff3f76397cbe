package com.spotoptimizer.agent;

import static com.spotoptimizer.agent.testing.AgentTestEnvironment.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.system.WorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No instance forgotten, none launched twice: an agent that stops mid-launch, gracefully or not. */
class AgentRuntimeTest {

    private static AgentTestEnvironment test;

    @BeforeAll
    static void start() {
        test = new AgentTestEnvironment(AgentTestEnvironment.fastSimulator());
    }

    @AfterAll
    static void stop() {
        test.close();
    }

    @BeforeEach
    void resetSimulator() {
        test.sim.reset();
    }

    @Test
    void agentRestartAfterRunInstancesResumesTheLaunchWithoutASecondInstance() {
        // Long enough that the first agent is still watching when it is closed, also on a busy machine (with
        // 1.5 s the instance was once running, and confirmed, before the test got to close the agent).
        test.sim.faults().launchDelay(Duration.ofSeconds(5));
        AgentRuntime first = test.startAgent(AgentTestEnvironment.meters());
        String ec2Id;
        LaunchInstanceInput input = test.launchInput("m5.large");
        try {
            test.startLaunch(input);
            awaitUntil("the first agent launched and is watching", () -> first.watcher().inflight("launch") == 1);
            ec2Id = test.sim.instances().get(0).instanceId();
            assertThat(test.sim.instance(ec2Id).orElseThrow().state()).isEqualTo("pending");
        } finally {
            first.close(); // hands the launch back to Temporal; on a failure, it must not linger into the next test
        }
        try (AgentRuntime second = test.startAgent(AgentTestEnvironment.meters())) {
            test.awaitStatus(input.instanceId(), "running_primary");
        }

        assertThat(test.instancesOf(input.instanceId())).extracting(SimInstance::instanceId).containsExactly(ec2Id);
        assertThat(test.lifecycle.row(input.instanceId()).ec2InstanceId()).isEqualTo(ec2Id);
        // The second agent asked again with the same ClientToken and got the same instance back.
        assertThat(test.sim.callCount("RunInstances")).isEqualTo(2);
    }

    @Test
    void attemptThatStopsHeartbeatingIsRetriedWithTheSameClientTokenAndLaunchesOnce() throws Exception {
        // RunInstances takes effect but its answer is lost for 3 s: longer than the 2 s heartbeat timeout of
        // this launch, so Temporal gives the attempt up and runs the activity again while the first still waits.
        test.sim.faults().dropStall(Duration.ofSeconds(3)).dropRunInstancesResponses(1);
        try (AgentRuntime agent = test.startAgent(AgentTestEnvironment.meters())) {
            LaunchInstanceInput input = test.launchInput("m5.large");
            test.startShortHeartbeatLaunch(input);
            String workflowId = WorkflowIds.launch(input.clientId(), input.requestId());
            awaitUntil("launch closed", () -> test.client.newUntypedWorkflowStub(workflowId).describe().getStatus()
                    != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
            LaunchResult result = test.client.newUntypedWorkflowStub(workflowId)
                    .getResult(5, TimeUnit.SECONDS, LaunchResult.class);

            List<SimInstance> instances = test.instancesOf(input.instanceId());
            assertThat(instances).hasSize(1);
            assertThat(result.status()).isEqualTo("running_primary");
            assertThat(result.ec2InstanceId()).isEqualTo(instances.get(0).instanceId());
            assertThat(test.sim.callCount("RunInstances")).isGreaterThanOrEqualTo(2);
            // Temporal started a later attempt after the first stopped heartbeating, and that attempt completed the
            // activity (the first one's completion is refused). The stale first attempt may be the one whose
            // confirmation arrives first (same instance, so that is right): the test workflow therefore waits for
            // the activity to settle too, or the history would have no started event at all.
            assertThat(test.client.fetchHistory(workflowId).getEvents().stream()
                    .filter(HistoryEvent::hasActivityTaskStartedEventAttributes)
                    .map(e -> e.getActivityTaskStartedEventAttributes().getAttempt()))
                    .singleElement().satisfies(attempt -> assertThat(attempt).isGreaterThanOrEqualTo(2));
            // The stale first attempt, once its answer arrives, must not linger in the watcher.
            awaitUntil("stale attempt dropped", () -> agent.watcher().inflight("launch") == 0);
        }
    }
}
