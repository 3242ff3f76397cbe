package com.spotoptimizer.agent.testing;

import com.spotoptimizer.workflows.agent.CommandPriority;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.agent.AgentRuntime;
import com.spotoptimizer.agent.drift.InstanceStateReports;
import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.Ec2SimulatorConfig;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflow;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflowImpl;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.launch.LaunchTimeouts;
import com.spotoptimizer.workflows.orphan.OrphanCheckWorkflowImpl;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.TaskQueues;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflowImpl;
import com.spotoptimizer.workflows.terminate.TerminateTimeouts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The agent end to end: an EC2 simulator over HTTP (the real SDK client talks to it), Temporal's
 * in-process test server with the real launch, termination and orphan-check workflows on the control-plane
 * queue (in-memory lifecycle and registry), and the real {@link AgentRuntime} on {@code spot-agent-a1}.
 *
 * <p>The agent's watcher runs on real threads in real time, so the clock of the test server is never
 * unlocked: tests wait for the in-memory rows instead of calling {@code getResult()} (which would let the
 * server skip ahead to a 5-minute timeout while the agent is still polling).
 */
public final class AgentTestEnvironment implements AutoCloseable {

    public static final String AGENT_ID = "a1";
    public static final String AGENT_QUEUE = TaskQueues.forAgent(AGENT_ID);
    public static final String CONTROL_PLANE_QUEUE = "spot-control-plane";
    public static final String SHORT_HEARTBEAT_QUEUE = "short-heartbeat";
    public static final String CLIENT_ID = "client-1";
    public static final Duration POLL = Duration.ofMillis(50);
    /** How long a termination without an EC2 id keeps looking before it concludes nothing was launched. */
    public static final Duration CONSISTENCY_WINDOW = Duration.ofSeconds(3);

    public final Ec2Simulator sim;
    public final TestWorkflowEnvironment env;
    public final WorkflowClient client;
    public final FakeLifecycle lifecycle = new FakeLifecycle();
    public final FakeInstanceRegistry registry = new FakeInstanceRegistry();

    public AgentTestEnvironment(Ec2SimulatorConfig simConfig) {
        sim = Ec2Simulator.start(simConfig);
        env = TestWorkflowEnvironment.newInstance();
        for (var key : SearchAttributes.ALL) {
            env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
        }
        client = env.getWorkflowClient();
        Worker controlPlane = env.newWorker(CONTROL_PLANE_QUEUE);
        controlPlane.registerWorkflowImplementationTypes(LaunchInstanceWorkflowImpl.class,
                TerminateInstanceWorkflowImpl.class, OrphanCheckWorkflowImpl.class);
        controlPlane.registerActivitiesImplementations(lifecycle, registry);
        env.newWorker(SHORT_HEARTBEAT_QUEUE).registerWorkflowImplementationTypes(ShortHeartbeatLaunchWorkflow.class);
        env.start();
    }

    /** Instances run 200 ms after RunInstances and stay invisible to DescribeInstances for the first 50 ms. */
    public static Ec2SimulatorConfig fastSimulator() {
        return Ec2SimulatorConfig.defaults()
                .withLaunchDelay(Duration.ofMillis(200))
                .withTerminateDelay(Duration.ofMillis(200))
                .withConsistencyWindow(Duration.ofMillis(50));
    }

    /** Talks to the simulator, polls every 50 ms, sweeps only when a test asks. */
    public AgentProperties agentProperties() {
        return agentProperties(AGENT_ID);
    }

    /** {@link #agentProperties()} for another agent id (another task queue, the same EC2 account). */
    public AgentProperties agentProperties(String agentId) {
        return AgentProperties.defaults(agentId)
                .withEc2(AgentProperties.Ec2.endpoint(sim.endpoint().toString(), "test", "test")
                        .withConsistencyWindow(CONSISTENCY_WINDOW))
                .withPollInterval(POLL)
                .withOrphanSweep(new AgentProperties.OrphanSweep(false, null, Duration.ofMinutes(10)))
                .withControlPlaneTaskQueue(CONTROL_PLANE_QUEUE);
    }

    public AgentRuntime startAgent(MeterRegistry meters) {
        return startAgent(agentProperties(), meters, Clock.systemUTC());
    }

    public AgentRuntime startAgent(AgentProperties properties, MeterRegistry meters, Clock clock) {
        return AgentRuntime.builder(properties, client).meterRegistry(meters).clock(clock).build().start();
    }

    /** An agent that reports ended instances to {@code reports} instead of an api. */
    public AgentRuntime startAgent(AgentProperties properties, MeterRegistry meters, Clock clock,
                                   InstanceStateReports reports) {
        return AgentRuntime.builder(properties, client).meterRegistry(meters).clock(clock)
                .instanceStateReports(reports).build().start();
    }

    public static MeterRegistry meters() {
        return new SimpleMeterRegistry();
    }

    // ---- launches and terminations, started the way the API starts them ------------------------

    public LaunchInstanceInput launchInput(String instanceType) {
        return launchInput(instanceType, new LaunchSpec(null, null, "spot", Map.of("team", "ml")));
    }

    public LaunchInstanceInput launchInput(String instanceType, LaunchSpec spec) {
        return launchInput(AGENT_ID, instanceType, spec);
    }

    /** A launch on another agent's queue. */
    public LaunchInstanceInput launchInput(String agentId, String instanceType, LaunchSpec spec) {
        String instanceId = UUID.randomUUID().toString();
        return new LaunchInstanceInput(instanceId, CLIENT_ID, agentId, Transport.TEMPORAL, TaskQueues.forAgent(agentId),
                "req-" + instanceId.substring(0, 8), "sha256:" + instanceId, instanceType, "primary", spec, "{}",
                Instant.now(), LaunchTimeouts.CONFIRMATION, LaunchTimeouts.LATE_CONFIRMATION_WINDOW,
                TerminateTimeouts.CONFIRMATION, CommandPriority.CRITICAL);
    }

    public LaunchInstanceWorkflow startLaunch(LaunchInstanceInput input) {
        LaunchInstanceWorkflow launch = client.newWorkflowStub(LaunchInstanceWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.launch(input.clientId(), input.requestId()))
                .setTaskQueue(CONTROL_PLANE_QUEUE)
                .setTypedSearchAttributes(attributes(input.instanceId(), input.agentId(), "launching"))
                .build());
        WorkflowClient.start(launch::launch, input);
        return launch;
    }

    /** A launch by {@link ShortHeartbeatLaunchWorkflow}: its agent activity has a 2 s heartbeat timeout. */
    public ShortHeartbeatLaunch startShortHeartbeatLaunch(LaunchInstanceInput input) {
        ShortHeartbeatLaunch launch = client.newWorkflowStub(ShortHeartbeatLaunch.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(WorkflowIds.launch(input.clientId(), input.requestId()))
                        .setTaskQueue(SHORT_HEARTBEAT_QUEUE)
                        .build());
        WorkflowClient.start(launch::launch, input);
        return launch;
    }

    public TerminateInstanceInput terminateInput(LaunchInstanceInput launch) {
        return new TerminateInstanceInput(launch.instanceId(), launch.clientId(), launch.agentId(), launch.transport(),
                launch.agentTaskQueue(), launch.requestId(), launch.instanceType(), "term-" + launch.requestId(),
                "user requested", Instant.now(), TerminateTimeouts.CONFIRMATION, CommandPriority.CRITICAL);
    }

    public TerminateInstanceWorkflow startTermination(TerminateInstanceInput input) {
        TerminateInstanceWorkflow termination = client.newWorkflowStub(TerminateInstanceWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(WorkflowIds.terminate(input.instanceId()))
                        .setTaskQueue(CONTROL_PLANE_QUEUE)
                        .setTypedSearchAttributes(attributes(input.instanceId(), input.agentId(), "terminating"))
                        .build());
        WorkflowClient.start(termination::terminate, input);
        return termination;
    }

    /** The result of a launch that has already closed (waiting for it would unlock the test server's clock). */
    public LaunchResult closedLaunchResult(LaunchInstanceInput input) {
        awaitUntil("launch workflow closed", () -> client.newUntypedWorkflowStub(
                WorkflowIds.launch(input.clientId(), input.requestId())).describe().getStatus()
                != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        try {
            return client.newUntypedWorkflowStub(WorkflowIds.launch(input.clientId(), input.requestId()))
                    .getResult(5, TimeUnit.SECONDS, LaunchResult.class);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    // ---- observing -----------------------------------------------------------------------------

    public void awaitStatus(String instanceId, String status) {
        awaitUntil("instance " + instanceId + " is " + status, () -> status.equals(lifecycle.status(instanceId)));
    }

    public static void awaitUntil(String what, Callable<Boolean> condition) {
        await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(condition);
    }

    /** Instances whose ownership tag names this stable instance id. */
    public List<SimInstance> instancesOf(String instanceId) {
        return sim.instances().stream()
                .filter(i -> instanceId.equals(i.tags().get("spot-optimizer:instance-id"))).toList();
    }

    public static double counter(MeterRegistry meters, String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    public static double gauge(MeterRegistry meters, String name, String... tags) {
        Gauge gauge = meters.find(name).tags(tags).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private static io.temporal.common.SearchAttributes attributes(String instanceId, String agentId, String state) {
        return io.temporal.common.SearchAttributes.newBuilder()
                .set(SearchAttributes.INSTANCE_ID, instanceId)
                .set(SearchAttributes.CLIENT_ID, CLIENT_ID)
                .set(SearchAttributes.AGENT_ID, agentId)
                .set(SearchAttributes.INSTANCE_STATE, state)
                .build();
    }

    @Override
    public void close() {
        env.close();
        sim.close();
    }
}
