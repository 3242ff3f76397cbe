package com.spotoptimizer.agent.orphan;

import static com.spotoptimizer.agent.testing.AgentTestEnvironment.counter;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.AgentRuntime;
import com.spotoptimizer.agent.ec2.Ec2ClientFactory;
import com.spotoptimizer.agent.pacing.Ec2Action;
import com.spotoptimizer.agent.pacing.Ec2Pacer;
import com.spotoptimizer.agent.pacing.PacingProperties;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.ec2sim.SimClock;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

class OrphanSweeperTest {

    private static final SimClock clock = SimClock.startingAt(Instant.parse("2030-01-01T00:00:00Z"));
    private static AgentTestEnvironment test;
    private static MeterRegistry meters;
    private static AgentRuntime agent;
    private static Ec2Client ec2;

    @BeforeAll
    static void start() {
        // EC2 and the agent share a clock the test steps, so the 10-minute grace period passes at once.
        test = new AgentTestEnvironment(AgentTestEnvironment.fastSimulator().withClock(clock));
        meters = AgentTestEnvironment.meters();
        agent = test.startAgent(test.agentProperties(), meters, clock);
        ec2 = Ec2ClientFactory.create(test.agentProperties().ec2(), new Ec2Metrics(new SimpleMeterRegistry()));
    }

    @AfterAll
    static void stop() {
        ec2.close();
        agent.close();
        test.close();
    }

    @Test
    void sweepTerminatesTaggedInstancesWithoutALiveRowAfterTheGracePeriodAndLeavesLiveOnesAlone() {
        String dead = launch(Map.of(OwnershipTags.MANAGED_BY, OwnershipTags.MANAGED_BY_VALUE,
                OwnershipTags.INSTANCE_ID, "row-dead", OwnershipTags.CLIENT_ID, "client-1",
                OwnershipTags.REQUEST_ID, "req-dead", OwnershipTags.AGENT_ID, AgentTestEnvironment.AGENT_ID));
        String live = launch(Map.of(OwnershipTags.MANAGED_BY, OwnershipTags.MANAGED_BY_VALUE,
                OwnershipTags.INSTANCE_ID, "row-live", OwnershipTags.CLIENT_ID, "client-1",
                OwnershipTags.REQUEST_ID, "req-live", OwnershipTags.AGENT_ID, AgentTestEnvironment.AGENT_ID));
        String foreign = launch(Map.of("team", "someone-else"));
        test.registry.markLive("row-live");
        clock.advance(Duration.ofSeconds(5)); // visible and running

        OrphanSweeper.Report early = agent.sweeper().sweepOnce();

        assertThat(early.candidates()).isEqualTo(2);
        assertThat(early.orphans()).extracting(TaggedInstance::ec2InstanceId).containsExactly(dead);
        assertThat(early.orphans().get(0)).isEqualTo(
                new TaggedInstance(dead, "row-dead", "client-1", "req-dead", "running"));
        assertThat(early.terminated()).isEmpty(); // still within its grace period
        assertThat(gauge(meters, "spot.orphan.instances")).isEqualTo(1);
        // The last list asked is this sweep's (the class's other tests sweep for agents of their own).
        List<List<TaggedInstance>> asked = test.registry.asked();
        assertThat(asked.get(asked.size() - 1)).extracting(TaggedInstance::ec2InstanceId)
                .containsExactlyInAnyOrder(dead, live)
                .doesNotContain(foreign);

        clock.advance(Duration.ofMinutes(10));
        OrphanSweeper.Report late = agent.sweeper().sweepOnce();

        assertThat(late.terminated()).containsExactly(dead);
        assertThat(counter(meters, "spot.orphans.terminated")).isEqualTo(1);
        assertThat(test.sim.instance(dead)).get().extracting(SimInstance::isActive).isEqualTo(false);
        assertThat(test.sim.instance(live)).get().extracting(SimInstance::state).isEqualTo("running");
        assertThat(test.sim.instance(foreign)).get().extracting(SimInstance::state).isEqualTo("running");

        clock.advance(Duration.ofMinutes(1));
        OrphanSweeper.Report after = agent.sweeper().sweepOnce();

        assertThat(after.orphans()).isEmpty();
        assertThat(gauge(meters, "spot.orphan.instances")).isZero();
        assertThat(counter(meters, "spot.orphans.terminated")).isEqualTo(1);
    }

    @Test
    void aPacedSweepQueuesItsTerminationWithoutWaitingAndTheNextSweepAwaitsItInsteadOfQueueingAgain() throws Exception {
        MeterRegistry pacedMeters = AgentTestEnvironment.meters();
        try (AgentRuntime paced = test.startAgent(test.agentProperties("a2"), pacedMeters, clock)) {
            Ec2Pacer pacer = paced.pacer().orElseThrow();
            String orphan = launch(ownedBy("a2", "row-paced"));
            clock.advance(Duration.ofMinutes(11)); // past the grace period
            // No TerminateInstances tokens left, and the pacer's buckets refill on the test's clock: no turn until it
            // moves.
            pacer.charge(Ec2Action.TERMINATE_INSTANCES, 1_000);

            CompletableFuture<OrphanSweeper.Report> first = paced.sweeper().sweep();
            CompletableFuture<OrphanSweeper.Report> second = paced.sweeper().sweep();

            assertThat(first).as("the sweep returned without its turn").isNotDone();
            assertThat(pacer.queued(Ec2Action.TERMINATE_INSTANCES)).as("queued once").isEqualTo(1);
            assertThat(test.sim.instance(orphan)).get().extracting(SimInstance::state).isEqualTo("running");
            assertThat(gauge(pacedMeters, "spot.orphan.instances")).isEqualTo(1);

            clock.advance(Duration.ofMinutes(1)); // 60 s at 20/s: the bucket is full again
            assertThat(first.get(20, TimeUnit.SECONDS).terminated()).containsExactly(orphan);
            assertThat(second.get(20, TimeUnit.SECONDS).terminated()).containsExactly(orphan);
            assertThat(test.sim.instance(orphan)).get().extracting(SimInstance::isActive).isEqualTo(false);
            assertThat(counter(pacedMeters, "spot.orphans.terminated")).as("terminated once").isEqualTo(1);
        }
    }

    @Test
    void withPacingOffTheSweepTerminatesDirectly() {
        MeterRegistry directMeters = AgentTestEnvironment.meters();
        try (AgentRuntime direct = test.startAgent(test.agentProperties("a3").withPacing(PacingProperties.off()),
                directMeters, clock)) {
            String orphan = launch(ownedBy("a3", "row-direct"));
            clock.advance(Duration.ofMinutes(11));

            CompletableFuture<OrphanSweeper.Report> sweep = direct.sweeper().sweep();

            assertThat(direct.pacer()).isEmpty();
            assertThat(sweep).as("answered on return").isDone();
            assertThat(sweep.join().terminated()).containsExactly(orphan);
            assertThat(test.sim.instance(orphan)).get().extracting(SimInstance::isActive).isEqualTo(false);
            assertThat(counter(directMeters, "spot.orphans.terminated")).isEqualTo(1);
        }
    }

    private static Map<String, String> ownedBy(String agentId, String rowId) {
        return Map.of(OwnershipTags.MANAGED_BY, OwnershipTags.MANAGED_BY_VALUE, OwnershipTags.INSTANCE_ID, rowId,
                OwnershipTags.CLIENT_ID, "client-1", OwnershipTags.REQUEST_ID, "req-" + rowId,
                OwnershipTags.AGENT_ID, agentId);
    }

    private static String launch(Map<String, String> tags) {
        return ec2.runInstances(r -> r.imageId("ami-0123456789abcdef0").instanceType("m5.large")
                        .minCount(1).maxCount(1)
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                                .tags(tags.entrySet().stream()
                                        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                                .build()))
                .instances().get(0).instanceId();
    }
}
