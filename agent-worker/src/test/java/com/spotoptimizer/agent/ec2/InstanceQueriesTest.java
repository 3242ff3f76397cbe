package com.spotoptimizer.agent.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

class InstanceQueriesTest {

    private static Ec2Simulator sim;
    private static Ec2Client ec2;
    private static InstanceQueries queries;

    @BeforeAll
    static void start() {
        sim = Ec2Simulator.start(AgentTestEnvironment.fastSimulator().withConsistencyWindow(Duration.ZERO));
        ec2 = Ec2ClientFactory.create(AgentProperties.Ec2.endpoint(sim.endpoint().toString(), "test", "test"),
                new Ec2Metrics(new SimpleMeterRegistry()));
        queries = new InstanceQueries(ec2, AgentTestEnvironment.AGENT_ID);
    }

    @AfterAll
    static void stop() {
        ec2.close();
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.reset();
    }

    @Test
    void manyInFlightInstancesAreOneDescribeInstancesByOwnershipTag() {
        List<String> ids = launchTagged(InstanceQueries.MAX_ID_FILTER_VALUES + 100);

        assertThat(queries.byIds(ids)).hasSize(ids.size());
        assertThat(sim.callCount("DescribeInstances")).isEqualTo(1);
        assertThat(sim.calls().get(sim.calls().size() - 1).params())
                .containsEntry("Filter.1.Name", "tag:" + OwnershipTags.MANAGED_BY)
                .doesNotContainKey("InstanceId.1");
    }

    @Test
    void anIdEc2DoesNotShowIsLeftOutNotAnError() {
        List<String> ids = new ArrayList<>(launchTagged(3));
        ids.add("i-0123456789abcdef0"); // not visible (yet): an InstanceId.N call would fail with NotFound

        assertThat(queries.byIds(ids)).containsOnlyKeys(ids.subList(0, 3));
        assertThat(sim.calls()).extracting(c -> c.outcome()).containsOnly("ok");
        assertThat(sim.calls().get(sim.calls().size() - 1).params()).containsEntry("Filter.1.Name", "instance-id");
    }

    private static List<String> launchTagged(int count) {
        return ec2.runInstances(r -> r.imageId("ami-0123456789abcdef0").instanceType("t3.micro")
                        .minCount(count).maxCount(count)
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                                .tags(Tag.builder().key(OwnershipTags.MANAGED_BY).value(OwnershipTags.MANAGED_BY_VALUE)
                                        .build())
                                .build()))
                .instances().stream().map(i -> i.instanceId()).toList();
    }
}
