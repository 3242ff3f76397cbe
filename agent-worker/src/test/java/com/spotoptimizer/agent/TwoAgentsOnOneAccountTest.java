package com.spotoptimizer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.ec2.Ec2ClientFactory;
import com.spotoptimizer.agent.interruption.InterruptionWatcher;
import com.spotoptimizer.agent.orphan.OrphanSweeper;
import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.agent.testing.StubApi;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Two agents (two ids, two task queues) share one AWS account: each launches through the real workflows
 * and sweeps, watches and reports only what carries its own agent id. Every claim is checked against the
 * simulator's ground truth.
 */
class TwoAgentsOnOneAccountTest {

    private static AgentTestEnvironment test;
    private static StubApi api;
    private static AgentRuntime a1;
    private static AgentRuntime a2;

    @BeforeAll
    static void start() {
        test = new AgentTestEnvironment(AgentTestEnvironment.fastSimulator());
        api = new StubApi();
        a1 = test.startAgent(properties("a1"), AgentTestEnvironment.meters(), java.time.Clock.systemUTC());
        a2 = test.startAgent(properties("a2"), AgentTestEnvironment.meters(), java.time.Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        a1.close();
        a2.close();
        api.close();
        test.close();
    }

    /** No scheduled sweep or report (the test calls them), no grace period: an orphan is terminated at once. */
    private static AgentProperties properties(String agentId) {
        return test.agentProperties(agentId)
                .withOrphanSweep(new AgentProperties.OrphanSweep(false, null, Duration.ZERO))
                .withApi(new AgentProperties.Api(api.url(), agentId + "-token", Duration.ofHours(1)))
                .withInterruptions(AgentProperties.Interruptions.every(Duration.ofHours(1)))
                .withEndedInstances(AgentProperties.EndedInstances.off());
    }

    @Test
    void neitherAgentSweepsWatchesOrReportsTheOthersInstances() {
        List<String> ofA1 = launchThree("a1");
        List<String> ofA2 = launchThree("a2");
        // Rows: all of a2's are live; a1's first one has no live row any more, so it is a1's orphan.
        ofA2.forEach(id -> test.registry.markLive("a2", stableId(id)));
        ofA1.subList(1, 3).forEach(id -> test.registry.markLive("a1", stableId(id)));
        String legacy = launchUntaggedByAgent();

        OrphanSweeper.Report sweep1 = a1.sweeper().sweepOnce();
        OrphanSweeper.Report sweep2 = a2.sweeper().sweepOnce();

        assertThat(sweep1.candidates()).isEqualTo(3);
        assertThat(sweep1.terminated()).containsExactly(ofA1.get(0));
        assertThat(sweep2.candidates()).isEqualTo(3);
        assertThat(sweep2.orphans()).isEmpty();
        assertThat(sweep2.terminated()).isEmpty();
        for (int i = 0; i < test.registry.asked().size(); i++) {
            List<String> own = test.registry.askedBy().get(i).equals("a1") ? ofA1 : ofA2;
            assertThat(test.registry.asked().get(i)).extracting(TaggedInstance::ec2InstanceId)
                    .containsExactlyInAnyOrderElementsOf(own);
        }
        // Ground truth: only a1's orphan ended; a2's instances and the untagged one run on.
        assertThat(test.sim.instance(ofA1.get(0)).orElseThrow().isActive()).isFalse();
        for (String id : concat(ofA1.subList(1, 3), ofA2, List.of(legacy))) {
            assertThat(test.sim.instance(id).orElseThrow().state()).as(id).isEqualTo("running");
        }

        // A spot interruption of a2's instance is a2's to report, never a1's.
        AgentTestEnvironment.awaitUntil("the orphan terminated",
                () -> test.sim.instance(ofA1.get(0)).orElseThrow().state().equals("terminated"));
        test.sim.interruptSpot(ofA2.get(0));
        InterruptionWatcher.Report seen1 = a1.interruptions().orElseThrow().pollOnce();
        InterruptionWatcher.Report seen2 = a2.interruptions().orElseThrow().pollOnce();

        assertThat(seen1.spotInstances()).isEqualTo(2);
        assertThat(seen1.noticed()).isEmpty();
        assertThat(seen2.reported()).containsExactly(ofA2.get(0));
        assertThat(api.requests("/emergency")).singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/api/agents/a2/emergency"));
    }

    private static List<String> launchThree(String agentId) {
        List<String> ec2Ids = new ArrayList<>();
        List<LaunchInstanceInput> inputs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LaunchInstanceInput input = test.launchInput(agentId, "m5.large", new LaunchSpec(null, null, "spot", Map.of()));
            test.startLaunch(input);
            inputs.add(input);
        }
        for (LaunchInstanceInput input : inputs) {
            test.awaitStatus(input.instanceId(), "running_primary");
            List<SimInstance> launched = test.instancesOf(input.instanceId());
            assertThat(launched).singleElement()
                    .satisfies(s -> assertThat(s.tags()).containsEntry(OwnershipTags.AGENT_ID, agentId));
            ec2Ids.add(launched.get(0).instanceId());
        }
        return ec2Ids;
    }

    /** This system's tag but no agent id (launched before instances named their agent): nobody's orphan. */
    private static String launchUntaggedByAgent() {
        try (Ec2Client ec2 = Ec2ClientFactory.create(test.agentProperties().ec2(),
                new Ec2Metrics(new SimpleMeterRegistry()))) {
            String id = ec2.runInstances(r -> r.imageId("ami-0123456789abcdef0").instanceType("m5.large")
                    .minCount(1).maxCount(1).instanceMarketOptions(m -> m.marketType(MarketType.SPOT))
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                            .tags(Tag.builder().key(OwnershipTags.MANAGED_BY).value(OwnershipTags.MANAGED_BY_VALUE)
                                    .build(), Tag.builder().key(OwnershipTags.INSTANCE_ID).value("row-legacy").build())
                            .build())).instances().get(0).instanceId();
            AgentTestEnvironment.awaitUntil("legacy instance running",
                    () -> test.sim.instance(id).orElseThrow().state().equals("running"));
            return id;
        }
    }

    private static String stableId(String ec2Id) {
        return test.sim.instance(ec2Id).orElseThrow().tags().get(OwnershipTags.INSTANCE_ID);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
