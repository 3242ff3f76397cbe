package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.agent.CommandPriority;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.TaskQueues;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflowImpl;
import com.spotoptimizer.workflows.terminate.TerminateTimeouts;
import com.spotoptimizer.workflows.testing.InMemoryLifecycle;
import com.spotoptimizer.workflows.testing.ScriptedAgent;
import com.spotoptimizer.workflows.testing.Statuses;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Temporal agent that called RunInstances but never answered before the launch timeout (it was
 * restarted, or still watching the instance come up) is cut off when the workflow gives up, so no late
 * confirmation can come: the workflow reclaims whatever the launch started, by ClientToken. Found end to
 * end by {@code LaunchTimeoutEndToEndTest} in the local module, where the late instance ran on unowned.
 *
 * <p>Its own environment rather than {@code WorkflowTestHarness}: the agent here keeps its activity
 * unanswered (handed back on every attempt) while time skips, which a held {@code ScriptedAgent} cannot.
 */
class LaunchTimeoutReclaimTest {

    private static final String CONTROL_PLANE_QUEUE = "control-plane";
    private static final String AGENT_ID = "a1";

    private TestWorkflowEnvironment env;
    private WorkflowClient client;
    private final InMemoryLifecycle lifecycle = new InMemoryLifecycle();
    private ScriptedAgent ec2;
    private final List<LaunchCommand> launchAttempts = new CopyOnWriteArrayList<>();
    private final List<TerminateCommand> terminations = new CopyOnWriteArrayList<>();

    /** RunInstances, then hands the activity back every time, as an agent that never gets to confirm. */
    private final AgentActivities cutOffAgent = new AgentActivities() {
        @Override
        public void launchInstance(LaunchCommand command) {
            launchAttempts.add(command);
            ec2.runInstances(command.clientToken());
            throw ApplicationFailure.newFailure("agent shut down", "AgentShutdown");
        }

        @Override
        public void terminateInstance(TerminateCommand command) {
            terminations.add(command);
            ec2.terminateInstance(command);
        }
    };

    @BeforeEach
    void startTestServer() {
        env = TestWorkflowEnvironment.newInstance();
        for (var key : SearchAttributes.ALL) {
            env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
        }
        client = env.getWorkflowClient();
        ec2 = new ScriptedAgent(client, () -> Instant.ofEpochMilli(env.currentTimeMillis()));
        Worker controlPlane = env.newWorker(CONTROL_PLANE_QUEUE);
        controlPlane.registerWorkflowImplementationTypes(LaunchInstanceWorkflowImpl.class,
                TerminateInstanceWorkflowImpl.class);
        controlPlane.registerActivitiesImplementations(lifecycle);
        env.newWorker(TaskQueues.forAgent(AGENT_ID)).registerActivitiesImplementations(cutOffAgent);
        env.start();
    }

    @AfterEach
    void stopTestServer() {
        env.close();
    }

    @Test
    void launchCutOffByTheTimeoutIsTerminatedByClientTokenSoTheLateInstanceIsNotLeaked() throws Exception {
        LaunchInstanceInput input = new LaunchInstanceInput("inst-cut-off", "client-1", AGENT_ID, Transport.TEMPORAL,
                TaskQueues.forAgent(AGENT_ID), "req-cut-off", "sha256:fingerprint", "m5.large", "primary",
                LaunchSpec.empty(), "{}", Instant.ofEpochMilli(env.currentTimeMillis()), LaunchTimeouts.CONFIRMATION,
                LaunchTimeouts.LATE_CONFIRMATION_WINDOW, TerminateTimeouts.CONFIRMATION, CommandPriority.CRITICAL);
        LaunchInstanceWorkflow launch = client.newWorkflowStub(LaunchInstanceWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.launch(input.clientId(), input.requestId()))
                .setTaskQueue(CONTROL_PLANE_QUEUE).build());
        WorkflowClient.start(launch::launch, input);

        LaunchResult result = WorkflowStub.fromTyped(launch).getResult(20, TimeUnit.SECONDS, LaunchResult.class);
        TerminateInstanceWorkflow termination = client.newWorkflowStub(TerminateInstanceWorkflow.class,
                WorkflowIds.terminate(input.instanceId()));
        WorkflowStub.fromTyped(termination).getResult(20, TimeUnit.SECONDS, Object.class);

        assertThat(result.status()).as("the user was told the launch timed out").isEqualTo(Statuses.LAUNCH_TIMED_OUT);
        assertThat(launchAttempts).as("the agent did launch").isNotEmpty();
        assertThat(terminations).singleElement().extracting(TerminateCommand::ec2InstanceId)
                .as("nothing was confirmed: the agent finds the instance by ClientToken").isNull();
        assertThat(ec2.runningInstances()).as("the late instance was terminated").isEmpty();
        assertThat(lifecycle.row(input.instanceId()).status()).isEqualTo(Statuses.TERMINATED);
        assertThat(lifecycle.methods(input.instanceId())).containsExactly("recordLaunchRequested",
                "recordLaunchTimedOut", "recordTerminationRequested", "recordTerminated");
    }
}
