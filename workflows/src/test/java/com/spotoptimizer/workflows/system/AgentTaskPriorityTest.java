package com.spotoptimizer.workflows.system;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.launchWorkflowId;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.testing.WorkflowTestHarness;
import io.temporal.api.enums.v1.EventType;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's task queue hands out a critical command ahead of a backlog of lower-priority ones scheduled before it
 * (Temporal task-queue priority), so a burst of switches never holds a priority-100 launch in the queue.
 */
class AgentTaskPriorityTest {

    private static final String AGENT_QUEUE = TaskQueues.forAgent("agent-that-was-away");

    private WorkflowTestHarness h;
    private WorkerFactory agentWorkers;

    @BeforeEach
    void startTestServer() {
        h = WorkflowTestHarness.start();
    }

    @AfterEach
    void stopTestServer() {
        if (agentWorkers != null) {
            agentWorkers.shutdownNow();
        }
        h.close();
    }

    private LaunchInstanceInput launchAt(int priority) {
        LaunchInstanceInput base = h.launchInput(Transport.TEMPORAL, "replica");
        return new LaunchInstanceInput(base.instanceId(), base.clientId(), base.agentId(), base.transport(),
                AGENT_QUEUE, base.requestId(), base.requestFingerprint(), base.instanceType(), base.role(), base.spec(),
                base.metadataJson(), base.requestedAt(), base.confirmationTimeout(), base.lateConfirmationWindow(),
                base.terminationTimeout(), priority, null, null);
    }

    @Test
    void criticalLaunchScheduledAfterTenSwitchLaunchesReachesTheAgentFirst() {
        List<LaunchInstanceInput> launches = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            launches.add(launchAt(CommandPriority.ML_NORMAL_SWITCH));
        }
        launches.add(launchAt(CommandPriority.CRITICAL));
        // One more after it: the test server writes a task's history event just before it queues the task, so the
        // critical task is surely queued once a later launch's task is scheduled too.
        launches.add(launchAt(CommandPriority.ML_NORMAL_SWITCH));
        for (LaunchInstanceInput launch : launches) {
            h.startLaunch(launch);
            // In order: each agent task is in the queue before the next launch starts.
            await("the launch's agent task is scheduled", () -> h.historyEventTypes(launchWorkflowId(launch))
                    .contains(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED));
        }

        // The agent comes online with room for one task at a time, so it takes them in the order the queue gives.
        agentWorkers = WorkerFactory.newInstance(h.client);
        Worker agent = agentWorkers.newWorker(AGENT_QUEUE, WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(1).build());
        agent.registerActivitiesImplementations(h.agent);
        agentWorkers.start();

        await("every launch reached the agent", () -> h.agent.launchCommands().size() == launches.size());
        List<LaunchCommand> received = h.agent.launchCommands();
        assertThat(received.get(0).priority()).as("first handed out").isEqualTo(CommandPriority.CRITICAL);
        assertThat(received.get(0).instanceId()).isEqualTo(launches.get(10).instanceId());
        assertThat(received.subList(1, received.size())).extracting(LaunchCommand::priority)
                .containsOnly(CommandPriority.ML_NORMAL_SWITCH);
    }

    @Test
    void everyCommandPriorityHasItsOwnTaskQueueKeyInOrder() {
        assertThat(List.of(CommandPriority.CRITICAL, CommandPriority.MANUAL_SWITCH, CommandPriority.ML_URGENT_SWITCH,
                CommandPriority.ML_NORMAL_SWITCH, CommandPriority.SCHEDULED_MAINTENANCE))
                .extracting(CommandPriority::taskQueueKey).containsExactly(1, 2, 3, 4, 5);
        assertThat(CommandPriority.taskQueueKey(0)).as("payloads from before priorities: critical").isEqualTo(1);
    }
}
