package com.spotoptimizer.workflows.testing;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflow;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflowImpl;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.launch.LaunchTimeouts;
import com.spotoptimizer.workflows.move.InterruptionFailoverWorkflowImpl;
import com.spotoptimizer.workflows.move.PromoteInstanceWorkflowImpl;
import com.spotoptimizer.workflows.move.SwitchInstanceWorkflowImpl;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.TaskQueues;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflowImpl;
import com.spotoptimizer.workflows.terminate.TerminateResult;
import com.spotoptimizer.workflows.terminate.TerminateTimeouts;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/**
 * A time-skipping Temporal test server with the control-plane worker (both workflows and the
 * in-memory lifecycle) and one agent's worker on its own task queue, as in production. Builds inputs
 * and options the way the API does: business-key workflow ids, typed search attributes, the real
 * timeouts (time skipping makes them fast).
 */
public final class WorkflowTestHarness implements AutoCloseable {

    public static final String CONTROL_PLANE_QUEUE = "control-plane";
    public static final String CLIENT_ID = "client-1";
    public static final String AGENT_ID = "a1";
    public static final String AGENT_QUEUE = TaskQueues.forAgent(AGENT_ID);

    public final TestWorkflowEnvironment env;
    public final WorkflowClient client;
    public final InMemoryLifecycle lifecycle = new InMemoryLifecycle();
    public final InMemoryMoves moves = new InMemoryMoves(lifecycle);
    public final ScriptedAgent agent;
    private int launches;

    private WorkflowTestHarness() {
        this(io.temporal.testing.TestEnvironmentOptions.getDefaultInstance());
    }

    private WorkflowTestHarness(io.temporal.testing.TestEnvironmentOptions options) {
        env = TestWorkflowEnvironment.newInstance(options);
        for (var key : SearchAttributes.ALL) {
            env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
        }
        client = env.getWorkflowClient();
        agent = new ScriptedAgent(client, this::now);
        Worker controlPlane = env.newWorker(CONTROL_PLANE_QUEUE);
        controlPlane.registerWorkflowImplementationTypes(LaunchInstanceWorkflowImpl.class,
                TerminateInstanceWorkflowImpl.class, PromoteInstanceWorkflowImpl.class, SwitchInstanceWorkflowImpl.class,
                InterruptionFailoverWorkflowImpl.class);
        controlPlane.registerActivitiesImplementations(lifecycle, moves);
        env.newWorker(AGENT_QUEUE).registerActivitiesImplementations(agent);
        env.start();
    }

    public static WorkflowTestHarness start() {
        return new WorkflowTestHarness();
    }

    /**
     * With no workflow cache (so no sticky execution): every workflow task replays the history from the start on
     * the worker, as a worker restarted after a crash does. A workflow that continues correctly here survives a
     * crash between any two of its steps.
     */
    public static WorkflowTestHarness startReplayingEveryTask() {
        return new WorkflowTestHarness(io.temporal.testing.TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(io.temporal.worker.WorkerFactoryOptions.newBuilder()
                        .setWorkflowCacheSize(0).build())
                .build());
    }

    /** The test server's clock: read it to stamp inputs and confirmations, never to assert on. */
    public Instant now() {
        return Instant.ofEpochMilli(env.currentTimeMillis());
    }

    // ---- launches ----------------------------------------------------------------------------

    public LaunchInstanceInput launchInput(Transport transport, String role) {
        launches++;
        String instanceId = UUID.nameUUIDFromBytes(("instance-" + launches).getBytes()).toString();
        return new LaunchInstanceInput(instanceId, CLIENT_ID, AGENT_ID, transport, AGENT_QUEUE,
                "req-" + launches, "sha256:fingerprint-" + launches, "m5.large", role,
                new LaunchSpec("ami-0123456789abcdef0", "subnet-1", "spot", Map.of("team", "ml")),
                "{\"team\":\"ml\"}", now(),
                LaunchTimeouts.CONFIRMATION, LaunchTimeouts.LATE_CONFIRMATION_WINDOW, TerminateTimeouts.CONFIRMATION, CommandPriority.CRITICAL);
    }

    public static String launchWorkflowId(LaunchInstanceInput input) {
        return WorkflowIds.launch(input.clientId(), input.requestId());
    }

    public WorkflowOptions launchOptions(LaunchInstanceInput input) {
        return WorkflowOptions.newBuilder()
                .setWorkflowId(launchWorkflowId(input))
                .setTaskQueue(CONTROL_PLANE_QUEUE)
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setTypedSearchAttributes(attributes(input.instanceId(), "launching"))
                .build();
    }

    /** Starts the launch like the API: returns at once, the workflow runs on. */
    public LaunchInstanceWorkflow startLaunch(LaunchInstanceInput input) {
        LaunchInstanceWorkflow launch = client.newWorkflowStub(LaunchInstanceWorkflow.class, launchOptions(input));
        WorkflowClient.start(launch::launch, input);
        return launch;
    }

    public LaunchInstanceWorkflow launchStub(LaunchInstanceInput input) {
        return client.newWorkflowStub(LaunchInstanceWorkflow.class, launchWorkflowId(input));
    }

    // ---- terminations ------------------------------------------------------------------------

    public TerminateInstanceInput terminateInput(LaunchInstanceInput launch, String requestId) {
        return new TerminateInstanceInput(launch.instanceId(), launch.clientId(), launch.agentId(), launch.transport(),
                launch.agentTaskQueue(), launch.requestId(), launch.instanceType(), requestId, "user requested",
                now(), TerminateTimeouts.CONFIRMATION, CommandPriority.CRITICAL);
    }

    public TerminateInstanceWorkflow startTermination(TerminateInstanceInput input) {
        TerminateInstanceWorkflow termination = client.newWorkflowStub(TerminateInstanceWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(WorkflowIds.terminate(input.instanceId()))
                        .setTaskQueue(CONTROL_PLANE_QUEUE)
                        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                        .setTypedSearchAttributes(attributes(input.instanceId(), "terminating"))
                        .build());
        WorkflowClient.start(termination::terminate, input);
        return termination;
    }

    public TerminateInstanceWorkflow terminationStub(String instanceId) {
        return client.newWorkflowStub(TerminateInstanceWorkflow.class, WorkflowIds.terminate(instanceId));
    }

    // ---- observing ---------------------------------------------------------------------------

    /** Waits in real time, without unlocking the test server's clock (unlike getResult and sleep). */
    public static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }

    public List<EventType> historyEventTypes(String workflowId) {
        return client.fetchHistory(workflowId).getEvents().stream().map(HistoryEvent::getEventType).toList();
    }

    public String searchAttribute(String workflowId, io.temporal.common.SearchAttributeKey<String> key) {
        return client.newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes().get(key);
    }

    public static WorkflowStub untyped(Object typedStub) {
        return WorkflowStub.fromTyped(typedStub);
    }

    /** Blocks for the launch's result; this lets the test server skip time, so call it last. */
    public static LaunchResult result(LaunchInstanceWorkflow launch) {
        return result(untyped(launch), LaunchResult.class);
    }

    /** Blocks for the termination's result; this lets the test server skip time, so call it last. */
    public static TerminateResult result(TerminateInstanceWorkflow termination) {
        return result(untyped(termination), TerminateResult.class);
    }

    private static <R> R result(WorkflowStub stub, Class<R> type) {
        try {
            return stub.getResult(20, TimeUnit.SECONDS, type);
        } catch (TimeoutException e) {
            throw new AssertionError("workflow " + stub.getExecution().getWorkflowId() + " did not close", e);
        }
    }

    private static io.temporal.common.SearchAttributes attributes(String instanceId, String state) {
        return io.temporal.common.SearchAttributes.newBuilder()
                .set(SearchAttributes.INSTANCE_ID, instanceId)
                .set(SearchAttributes.CLIENT_ID, CLIENT_ID)
                .set(SearchAttributes.AGENT_ID, AGENT_ID)
                .set(SearchAttributes.INSTANCE_STATE, state)
                .build();
    }

    @Override
    public void close() {
        agent.releaseLaunches();
        env.close();
    }
}
