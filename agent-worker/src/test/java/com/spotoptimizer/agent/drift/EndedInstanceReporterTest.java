package com.spotoptimizer.agent.drift;

import static com.spotoptimizer.agent.testing.AgentTestEnvironment.awaitUntil;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.counter;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.AgentRuntime;
import com.spotoptimizer.agent.drift.InstanceStateReports.InstanceStateReport;
import com.spotoptimizer.agent.drift.InstanceStateReports.Outcome;
import com.spotoptimizer.agent.ec2.Ec2ClientFactory;
import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.ApiClient;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.agent.testing.RecordingInstanceStateReports;
import com.spotoptimizer.agent.testing.StubApi;
import com.spotoptimizer.ec2sim.SimCall;
import com.spotoptimizer.ec2sim.SimClock;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Ground truth wins: instances of this agent that EC2 shows ended, and that the agent did not end itself,
 * are reported once each, with EC2's reason. The real agent and SDK against the simulator; EC2 and the
 * agent share a clock the test steps; polls are called by hand except in the test of the schedule.
 */
class EndedInstanceReporterTest {

    private static final SimClock clock = SimClock.startingAt(Instant.parse("2030-01-01T00:00:00Z"));

    private static AgentTestEnvironment test;
    private static Ec2Client ec2;

    private RecordingInstanceStateReports reports;
    private MeterRegistry meters;
    private AgentRuntime agent;
    private EndedInstanceReporter reporter;

    @BeforeAll
    static void start() {
        test = new AgentTestEnvironment(AgentTestEnvironment.fastSimulator().withClock(clock));
        ec2 = Ec2ClientFactory.create(test.agentProperties().ec2(), new Ec2Metrics(new SimpleMeterRegistry()));
    }

    @AfterAll
    static void stop() {
        ec2.close();
        test.close();
    }

    @BeforeEach
    void startAgent() {
        test.sim.reset();
        reports = new RecordingInstanceStateReports();
        meters = AgentTestEnvironment.meters();
        // Polls (and so the report's schedule) once an hour: the test polls by hand.
        agent = test.startAgent(test.agentProperties().withPollInterval(Duration.ofHours(1)), meters, clock, reports);
        reporter = agent.endedInstances().orElseThrow();
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    @Test
    void endedInstancesAreReportedOnceWithEc2sReasonButNeverTheAgentsOwnOrAnotherAgents() {
        String outside = launch(onDemand(owned("row-outside", "a1")));
        String spot = launch(spot(owned("row-spot", "a1")));
        String orphan = launch(onDemand(owned("row-orphan", "a1")));
        String quiet = launch(onDemand(owned("row-quiet", "a1")));
        String otherAgents = launch(onDemand(owned("row-other", "a2")));
        String noAgent = launch(onDemand(Map.of(OwnershipTags.MANAGED_BY, OwnershipTags.MANAGED_BY_VALUE)));
        test.registry.markLive("row-outside");
        test.registry.markLive("row-spot");
        test.registry.markLive("row-quiet");
        clock.advance(Duration.ofMinutes(11)); // running, and the orphan is past its grace period
        assertThat(agent.sweeper().sweepOnce().terminated()).containsExactly(orphan); // the agent's own doing
        assertThat(reporter.pollOnce().noticed()).isEmpty();

        test.sim.terminateOutside(outside, otherAgents, noAgent); // a console user
        SimInstance notice = test.sim.interruptSpot(spot);
        clock.advance(Duration.between(clock.instant(), notice.interruptionActionAt())); // EC2 starts reclaiming
        long describesBefore = test.sim.callCount("DescribeInstances");

        EndedInstanceReporter.Report first = reporter.pollOnce();

        assertThat(test.sim.callCount("DescribeInstances") - describesBefore).isEqualTo(1);
        assertThat(first.noticed()).containsExactlyInAnyOrder(outside, spot);
        assertThat(reports.reports()).containsExactlyInAnyOrder(
                new InstanceStateReport(outside, "terminated", EndedInstanceReporter.TERMINATED_OUTSIDE),
                new InstanceStateReport(spot, "shutting-down", EndedInstanceReporter.SPOT_INTERRUPTION));
        assertThat(counter(meters, "spot.ended.instances", "reason", "terminated_outside")).isEqualTo(1);
        assertThat(counter(meters, "spot.ended.instances", "reason", "spot_interruption")).isEqualTo(1);
        assertThat(gauge(meters, "spot.ended.instances.unacknowledged")).isZero();
        SimCall describe = test.sim.calls().get(test.sim.calls().size() - 1);
        assertThat(describe.params()).containsEntry("Filter.2.Name", "tag:" + OwnershipTags.AGENT_ID)
                .containsEntry("Filter.2.Value.1", "a1");

        // Once: later polls (shutting-down → terminated included) report nothing again.
        clock.advance(Duration.ofMinutes(1));
        assertThat(reporter.pollOnce().noticed()).isEmpty();
        assertThat(reporter.pollOnce().noticed()).isEmpty();
        assertThat(reports.reports()).hasSize(2);
        // Ground truth: the agent only reported; the quiet instance runs on.
        assertThat(test.sim.instance(quiet).orElseThrow().state()).isEqualTo("running");
    }

    @Test
    void aReportTheApiCouldNotTakeIsRetriedAndCountsAsUnacknowledgedUntilItIsTaken() {
        String id = launch(onDemand(owned("row-x", "a1")));
        clock.advance(Duration.ofSeconds(5));
        test.sim.terminateOutside(id);

        reports.outcome.set(Outcome.RETRY);
        assertThat(reporter.pollOnce().acknowledged()).isEmpty();
        assertThat(gauge(meters, "spot.ended.instances.unacknowledged")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(reporter.pollOnce().acknowledged()).isEmpty();
        assertThat(reporter.unacknowledged()).isEqualTo(1);

        reports.outcome.set(Outcome.ACKNOWLEDGED);
        assertThat(reporter.pollOnce().acknowledged()).containsExactly(id);
        assertThat(gauge(meters, "spot.ended.instances.unacknowledged")).isZero();
        assertThat(reporter.pollOnce().acknowledged()).isEmpty();

        // Each attempt said what EC2 showed at the time: shutting-down first, then terminated.
        assertThat(reports.reports()).extracting(InstanceStateReport::state)
                .containsExactly("shutting-down", "terminated", "terminated");
        assertThat(counter(meters, "spot.ended.instances", "reason", "terminated_outside")).isEqualTo(1);
    }

    @Test
    void onTheAgentsScheduleAnInstanceEndedOutsideIsReportedWithinOnePollInterval() {
        agent.close(); // this test runs the schedule instead of polling by hand
        String id = launch(onDemand(owned("row-s", "a1")));
        clock.advance(Duration.ofSeconds(5));
        agent = test.startAgent(test.agentProperties(), meters, clock, reports); // polls every 50 ms

        test.sim.terminateOutside(id);

        awaitUntil("reported", () -> !reports.reports().isEmpty());
        assertThat(reports.reports()).containsExactly(
                new InstanceStateReport(id, "shutting-down", EndedInstanceReporter.TERMINATED_OUTSIDE));
    }

    @Test
    void theApiReportIsAJsonPostToTheInstanceStateEndpoint() {
        try (StubApi api = new StubApi()) {
            ApiClient client = new ApiClient("a1", new AgentProperties.Api(api.url(), "a1-token", null));
            ApiInstanceStateReports http = new ApiInstanceStateReports(client);
            InstanceStateReport report = new InstanceStateReport("i-0123456789abcdef0", "terminated",
                    EndedInstanceReporter.SPOT_INTERRUPTION);

            assertThat(http.report(report)).isEqualTo(Outcome.ACKNOWLEDGED);
            assertThat(api.requests("/instance-state")).singleElement().isEqualTo(new StubApi.Request("POST",
                    "/api/agents/a1/instance-state", "Bearer a1-token", "application/json",
                    "{\"ec2_instance_id\":\"i-0123456789abcdef0\",\"state\":\"terminated\","
                            + "\"reason\":\"spot_interruption\"}"));
            api.instanceStateStatus.set(404);
            assertThat(http.report(report)).isEqualTo(Outcome.UNKNOWN);
            api.instanceStateStatus.set(429);
            assertThat(http.report(report)).isEqualTo(Outcome.RETRY);
            api.instanceStateStatus.set(503);
            assertThat(http.report(report)).isEqualTo(Outcome.RETRY);
            api.instanceStateStatus.set(400);
            assertThat(http.report(report)).isEqualTo(Outcome.REFUSED);
        }
    }

    private static Map<String, String> owned(String rowId, String agentId) {
        return Map.of(OwnershipTags.MANAGED_BY, OwnershipTags.MANAGED_BY_VALUE, OwnershipTags.INSTANCE_ID, rowId,
                OwnershipTags.CLIENT_ID, "client-1", OwnershipTags.REQUEST_ID, "req-" + rowId,
                OwnershipTags.AGENT_ID, agentId);
    }

    private static RunInstancesRequest.Builder spot(Map<String, String> tags) {
        return onDemand(tags).instanceMarketOptions(m -> m.marketType(MarketType.SPOT));
    }

    private static RunInstancesRequest.Builder onDemand(Map<String, String> tags) {
        return RunInstancesRequest.builder().imageId("ami-0123456789abcdef0").instanceType("m5.large")
                .minCount(1).maxCount(1)
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(tags.entrySet().stream()
                                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                        .build());
    }

    private static String launch(RunInstancesRequest.Builder request) {
        return ec2.runInstances(request.build()).instances().get(0).instanceId();
    }
}
