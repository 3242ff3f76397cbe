package com.spotoptimizer.agent.command;

import com.spotoptimizer.workflows.agent.CommandPriority;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.CLIENT_ID;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.awaitUntil;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.counter;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.AgentRuntime;
import com.spotoptimizer.agent.ec2.Ec2ClientFactory;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.ec2sim.Ec2Faults;
import com.spotoptimizer.ec2sim.SimCall;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.system.WorkflowIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.api.history.v1.HistoryEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Launch and terminate through the real workflows, the real agent and the real SDK against the EC2
 * simulator: every assertion on EC2 reads the simulator's ground truth.
 */
class AgentActivitiesImplTest {

    private static AgentTestEnvironment test;
    private static MeterRegistry meters;
    private static AgentRuntime agent;
    private static Ec2Client ec2;

    @BeforeAll
    static void start() {
        test = new AgentTestEnvironment(AgentTestEnvironment.fastSimulator());
        meters = AgentTestEnvironment.meters();
        agent = test.startAgent(meters);
        ec2 = Ec2ClientFactory.create(test.agentProperties().ec2(), new Ec2Metrics(new SimpleMeterRegistry()));
    }

    @AfterAll
    static void stop() {
        ec2.close();
        agent.close();
        test.close();
    }

    @BeforeEach
    void resetSimulator() {
        test.sim.reset();
    }

    @Test
    void launchConfirmsWithTheRealEc2InstanceIdOnceRunning() {
        LaunchInstanceInput input = test.launchInput("m5.large");
        test.startLaunch(input);

        test.awaitStatus(input.instanceId(), "running_primary");

        List<SimInstance> instances = test.instancesOf(input.instanceId());
        assertThat(instances).hasSize(1);
        SimInstance instance = instances.get(0);
        assertThat(instance.state()).isEqualTo("running");
        assertThat(test.lifecycle.row(input.instanceId()).ec2InstanceId()).isEqualTo(instance.instanceId());
        assertThat(test.lifecycle.launchConfirmations(input.instanceId()))
                .extracting(LaunchConfirmation::ec2InstanceId).containsOnly(instance.instanceId());
        assertThat(instance.clientToken())
                .isEqualTo(ClientTokens.forLaunch(CLIENT_ID, input.requestId(), "m5.large"));
        assertThat(instance.tags()).containsEntry(OwnershipTags.MANAGED_BY, OwnershipTags.MANAGED_BY_VALUE)
                .containsEntry(OwnershipTags.INSTANCE_ID, input.instanceId())
                .containsEntry(OwnershipTags.CLIENT_ID, CLIENT_ID)
                .containsEntry(OwnershipTags.REQUEST_ID, input.requestId())
                .containsEntry("team", "ml");
        assertThat(instance.spot()).isTrue();
        assertThat(instance.instanceType()).isEqualTo("m5.large");
        assertThat(test.closedLaunchResult(input).status()).isEqualTo("running_primary");
        assertThat(counter(meters, "spot.ec2.calls", "action", "RunInstances", "outcome", "ok")).isPositive();
    }

    @Test
    void terminateConfirmsWhenEc2ReportsTerminated() {
        LaunchInstanceInput input = test.launchInput("m5.large");
        test.startLaunch(input);
        test.awaitStatus(input.instanceId(), "running_primary");
        String ec2Id = test.lifecycle.row(input.instanceId()).ec2InstanceId();

        test.startTermination(test.terminateInput(input));

        test.awaitStatus(input.instanceId(), "terminated");
        assertThat(test.sim.instance(ec2Id)).get().extracting(SimInstance::state).isEqualTo("terminated");
        assertThat(test.lifecycle.terminationConfirmations(input.instanceId()))
                .extracting(TerminationConfirmation::ec2InstanceId).containsOnly(ec2Id);
        // Each deadline ran from the agent's EC2 call, which the agent reported (the launch's with its attempt).
        assertThat(signals(WorkflowIds.launch(input.clientId(), input.requestId()), "launchCallMade"))
                .singleElement().asString().contains("\"agentId\":\"" + input.agentId() + "\"")
                .contains("\"attempt\":0");
        assertThat(signals(WorkflowIds.terminate(input.instanceId()), "terminationCallMade"))
                .singleElement().asString().contains("\"agentId\":\"" + input.agentId() + "\"");
    }

    /** The JSON payloads of the signals named {@code name} in a workflow's history. */
    private static List<String> signals(String workflowId, String name) {
        return test.client.fetchHistory(workflowId).getHistory().getEventsList().stream()
                .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
                .map(HistoryEvent::getWorkflowExecutionSignaledEventAttributes)
                .filter(signal -> signal.getSignalName().equals(name))
                .map(signal -> signal.getInput().getPayloads(0).getData().toStringUtf8())
                .toList();
    }

    @Test
    void terminateWithoutEc2IdFindsTheInstanceByItsClientToken() {
        // DescribeInstances does not show the instance for 1.5 s after RunInstances, as EC2 may not: the first
        // lookup comes back empty, and concluding "nothing launched" there would leak the instance.
        test.sim.faults().consistencyWindow(Duration.ofMillis(1500));
        String instanceId = UUID.randomUUID().toString();
        String requestId = "req-" + instanceId.substring(0, 8);
        // The launch never confirmed: EC2 has the instance, the row has no EC2 id.
        String ec2Id = ec2.runInstances(r -> r.imageId("ami-0123456789abcdef0").instanceType("c5.large")
                .minCount(1).maxCount(1).clientToken(ClientTokens.forLaunch(CLIENT_ID, requestId, "c5.large"))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(Tag.builder().key(OwnershipTags.MANAGED_BY).value(OwnershipTags.MANAGED_BY_VALUE).build())
                        .build()))
                .instances().get(0).instanceId();
        test.lifecycle.seed(instanceId, CLIENT_ID, requestId, "c5.large", "launch_timed_out", null);
        LaunchInstanceInput launch = launchOf(instanceId, requestId, "c5.large");

        test.startTermination(test.terminateInput(launch));

        test.awaitStatus(instanceId, "terminated");
        assertThat(test.lifecycle.row(instanceId).ec2InstanceId()).isEqualTo(ec2Id);
        awaitUntil("instance terminated in EC2", () -> test.sim.instance(ec2Id).get().state().equals("terminated"));
        // The first lookup (ClientToken, then tag) found nothing: the search went on in the watcher's poll.
        assertThat(test.sim.calls().stream().filter(c -> c.action().equals("DescribeInstances")).count())
                .isGreaterThan(2);
    }

    @Test
    void terminateWithoutEc2IdFindsALaunchByItsTagWhenTheClientTokenDiffers() {
        test.sim.faults().consistencyWindow(Duration.ofMillis(800));
        String instanceId = UUID.randomUUID().toString();
        String requestId = "req-" + instanceId.substring(0, 8);
        // An alternative instance type was tried: another ClientToken, the same stable-id tag.
        String ec2Id = ec2.runInstances(r -> r.imageId("ami-0123456789abcdef0").instanceType("c5.xlarge")
                .minCount(1).maxCount(1).clientToken(ClientTokens.forLaunch(CLIENT_ID, requestId, "c5.xlarge"))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(Tag.builder().key(OwnershipTags.MANAGED_BY).value(OwnershipTags.MANAGED_BY_VALUE).build(),
                                Tag.builder().key(OwnershipTags.INSTANCE_ID).value(instanceId).build(),
                                Tag.builder().key(OwnershipTags.AGENT_ID).value(AgentTestEnvironment.AGENT_ID).build())
                        .build()))
                .instances().get(0).instanceId();
        test.lifecycle.seed(instanceId, CLIENT_ID, requestId, "c5.large", "launch_timed_out", null);

        test.startTermination(test.terminateInput(launchOf(instanceId, requestId, "c5.large")));

        test.awaitStatus(instanceId, "terminated");
        assertThat(test.lifecycle.row(instanceId).ec2InstanceId()).isEqualTo(ec2Id);
        awaitUntil("instance terminated in EC2", () -> test.sim.instance(ec2Id).get().state().equals("terminated"));
    }

    @Test
    void terminateWithoutEc2IdConcludesNothingWasLaunchedOnlyAfterTheConsistencyWindow() {
        String instanceId = UUID.randomUUID().toString();
        String requestId = "req-" + instanceId.substring(0, 8);
        test.lifecycle.seed(instanceId, CLIENT_ID, requestId, "c5.large", "launch_timed_out", null);
        long started = System.nanoTime();

        test.startTermination(test.terminateInput(launchOf(instanceId, requestId, "c5.large")));

        test.awaitStatus(instanceId, "terminated");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(AgentTestEnvironment.CONSISTENCY_WINDOW);
        assertThat(test.lifecycle.terminationConfirmations(instanceId))
                .extracting(TerminationConfirmation::ec2InstanceId).containsOnlyNulls();
        assertThat(test.sim.callCount("TerminateInstances")).isZero();
        // Searching holds no worker thread: the activity handed its search to the watcher and returned.
        assertThat(agent.watcher().polls()).isPositive();
    }

    @Test
    void searchesOfManyTerminationsShareOneDescribeInstancesPerKindAndPoll() {
        List<String> instanceIds = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String instanceId = UUID.randomUUID().toString();
            String requestId = "req-" + instanceId.substring(0, 8);
            test.lifecycle.seed(instanceId, CLIENT_ID, requestId, "c5.large", "launch_timed_out", null);
            test.startTermination(test.terminateInput(launchOf(instanceId, requestId, "c5.large")));
            instanceIds.add(instanceId);
        }
        instanceIds.forEach(id -> test.awaitStatus(id, "terminated"));

        List<SimCall> searches = test.sim.calls().stream().filter(c -> c.action().equals("DescribeInstances"))
                .toList();
        // Five terminations searched for three seconds at a 50 ms poll: far fewer calls than one per
        // termination and poll; each call names every termination it looks for.
        assertThat(searches.stream().filter(c -> "client-token".equals(c.params().get("Filter.1.Name"))
                && c.params().containsKey("Filter.1.Value.5"))).isNotEmpty();
        assertThat(searches.size()).isLessThan(5 * 2 * (int) (AgentTestEnvironment.CONSISTENCY_WINDOW.toMillis()
                / AgentTestEnvironment.POLL.toMillis()));
    }

    @Test
    void insufficientCapacityEndsTheLaunchWithThatReasonWithoutRetrying() {
        double before = counter(meters, "spot.ec2.errors", "action", "RunInstances", "code", "InsufficientInstanceCapacity");
        test.sim.faults().insufficientCapacity(1);
        LaunchInstanceInput input = test.launchInput("p4d.24xlarge");
        test.startLaunch(input);

        test.awaitStatus(input.instanceId(), "launch_failed");

        InstanceSnapshot row = test.lifecycle.row(input.instanceId());
        assertThat(row.failureReason()).startsWith("InsufficientInstanceCapacity: We currently do not have sufficient");
        assertThat(test.sim.instances()).isEmpty();
        // EC2 sends this refusal as HTTP 500: neither the SDK nor Temporal may retry it.
        assertThat(test.sim.callCount("RunInstances")).isEqualTo(1);
        assertThat(counter(meters, "spot.ec2.errors", "action", "RunInstances", "code", "InsufficientInstanceCapacity"))
                .isEqualTo(before + 1);
        assertThat(test.closedLaunchResult(input).reason()).startsWith("InsufficientInstanceCapacity");
    }

    @ParameterizedTest
    @CsvSource({
            Ec2Faults.INVALID_IMAGE_PREFIX + "-1, InvalidParameterValue",
            Ec2Faults.DENIED_IMAGE_PREFIX + "-1, UnauthorizedOperation"})
    void refusedLaunchEndsWithAReasonAUserCanRead(String imageId, String reason) {
        LaunchInstanceInput input = test.launchInput("m5.large", new LaunchSpec(imageId, null, "spot", Map.of()));
        test.startLaunch(input);

        test.awaitStatus(input.instanceId(), "launch_failed");

        assertThat(test.lifecycle.row(input.instanceId()).failureReason()).startsWith(reason + ": ");
        assertThat(test.sim.instances()).isEmpty();
    }

    @Test
    void throttlingStormStillLaunchesExactlyOneInstance() {
        double before = counter(meters, "spot.ec2.errors", "action", "RunInstances", "code", "RequestLimitExceeded");
        test.sim.faults().throttleNext(5);
        LaunchInstanceInput input = test.launchInput("m5.large");
        test.startLaunch(input);

        test.awaitStatus(input.instanceId(), "running_primary");

        List<SimInstance> instances = test.instancesOf(input.instanceId());
        assertThat(instances).hasSize(1);
        assertThat(test.lifecycle.row(input.instanceId()).ec2InstanceId()).isEqualTo(instances.get(0).instanceId());
        // Each throttled attempt is counted, including those the SDK retried away.
        assertThat(counter(meters, "spot.ec2.errors", "action", "RunInstances", "code", "RequestLimitExceeded"))
                .isEqualTo(before + 5);
    }

    @Test
    void notYetVisibleRightAfterLaunchDoesNotFailTheLaunch() {
        test.sim.faults().consistencyWindow(Duration.ofMillis(600)).launchDelay(Duration.ofMillis(100));
        try {
            LaunchInstanceInput input = test.launchInput("m5.large");
            test.startLaunch(input);

            test.awaitStatus(input.instanceId(), "running_primary");

            assertThat(test.instancesOf(input.instanceId())).hasSize(1);
            List<SimCall> describes = test.sim.calls().stream()
                    .filter(c -> c.action().equals("DescribeInstances")).toList();
            // Several polls found nothing yet; none of them was an error.
            assertThat(describes.size()).isGreaterThan(2);
            assertThat(describes).extracting(SimCall::outcome).containsOnly("ok");
        } finally {
            test.sim.faults().clear();
        }
    }

    private LaunchInstanceInput launchOf(String instanceId, String requestId, String instanceType) {
        LaunchInstanceInput template = test.launchInput(instanceType);
        return new LaunchInstanceInput(instanceId, CLIENT_ID, template.agentId(), template.transport(),
                template.agentTaskQueue(), requestId, template.requestFingerprint(), instanceType, "primary",
                template.spec(), "{}", template.requestedAt(), template.confirmationTimeout(),
                template.lateConfirmationWindow(), template.terminationTimeout(), CommandPriority.CRITICAL);
    }
}
