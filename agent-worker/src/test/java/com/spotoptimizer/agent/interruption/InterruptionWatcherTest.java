package com.spotoptimizer.agent.interruption;

import static com.spotoptimizer.agent.testing.AgentTestEnvironment.awaitUntil;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.counter;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.AgentRuntime;
import com.spotoptimizer.agent.ec2.Ec2ClientFactory;
import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.agent.testing.StubApi;
import com.spotoptimizer.ec2sim.SimCall;
import com.spotoptimizer.ec2sim.SimClock;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * The real agent and SDK against the EC2 simulator, reporting to a stub standing in for the api's
 * emergency endpoint. EC2 and the agent share a clock the test steps; polls are called by hand (the
 * agent's own schedule is an hour) except in the test of the schedule itself.
 */
class InterruptionWatcherTest {

    private static final SimClock clock = SimClock.startingAt(Instant.parse("2030-01-01T00:00:00Z"));
    private static final String TOKEN = "a1-agent-token";

    private static AgentTestEnvironment test;
    private static Ec2Client ec2;

    private StubApi api;
    private MeterRegistry meters;
    private AgentRuntime agent;
    private InterruptionWatcher watcher;

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
        api = new StubApi();
        meters = AgentTestEnvironment.meters();
        agent = test.startAgent(properties(Duration.ofHours(1)), meters, clock);
        watcher = agent.interruptions().orElseThrow();
    }

    @AfterEach
    void stopAgent() {
        agent.close();
        api.close();
    }

    @Test
    void anInterruptedSpotInstanceIsReportedOnceWithItsActionTimeAndTheAgentsToken() {
        String interrupted = launch(spot(managed("row-a")));
        String other = launch(spot(managed("row-b")));
        clock.advance(Duration.ofSeconds(1)); // visible and running

        InterruptionWatcher.Report quiet = watcher.pollOnce();
        assertThat(quiet.spotInstances()).isEqualTo(2);
        assertThat(quiet.noticed()).isEmpty();
        assertThat(api.requests("/emergency")).isEmpty();

        SimInstance notice = test.sim.interruptSpot(interrupted);
        InterruptionWatcher.Report first = watcher.pollOnce();

        assertThat(first.noticed()).containsExactly(interrupted);
        assertThat(first.reported()).containsExactly(interrupted);
        assertThat(notice.interruptionActionAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
        assertThat(api.requests("/emergency")).singleElement().isEqualTo(new StubApi.Request("POST",
                "/api/agents/a1/emergency", "Bearer " + TOKEN, "application/json",
                "{\"kind\":\"SPOT_INTERRUPTION\",\"ec2_instance_id\":\"" + interrupted + "\",\"action_time\":\""
                        + notice.interruptionActionAt() + "\"}"));
        assertThat(counter(meters, "spot.interruptions", "kind", "SPOT_INTERRUPTION")).isEqualTo(1);

        // Still running with its notice, then shutting down, then gone: never reported again.
        assertThat(watcher.pollOnce().noticed()).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(test.sim.instance(interrupted).orElseThrow().state()).isEqualTo("shutting-down");
        assertThat(watcher.pollOnce().reported()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        InterruptionWatcher.Report after = watcher.pollOnce();
        assertThat(after.spotInstances()).isEqualTo(1);
        assertThat(after.reported()).isEmpty();
        assertThat(api.requests("/emergency")).hasSize(1);
        assertThat(counter(meters, "spot.interruptions", "kind", "SPOT_INTERRUPTION")).isEqualTo(1);
        assertThat(test.sim.instance(other).orElseThrow().state()).isEqualTo("running");
    }

    @Test
    void onDemandUntaggedOtherAgentsAndUserTerminatedInstancesAreNeverReported() {
        String untaggedSpot = launch(spot(Map.of("team", "someone-else")));
        String otherAgentsSpot = launch(spot(managed("row-other", "a2")));
        String noAgentSpot = launch(spot(Map.of(OwnershipTags.MANAGED_BY, OwnershipTags.MANAGED_BY_VALUE,
                OwnershipTags.INSTANCE_ID, "row-legacy")));
        String managedOnDemand = launch(onDemand(managed("row-od")));
        String terminatedOnDemand = launch(onDemand(managed("row-od-2")));
        String terminatedSpot = launch(spot(managed("row-spot")));
        clock.advance(Duration.ofSeconds(1));
        test.sim.interruptSpot(untaggedSpot);
        test.sim.interruptSpot(otherAgentsSpot);
        test.sim.interruptSpot(noAgentSpot);
        ec2.terminateInstances(r -> r.instanceIds(terminatedOnDemand, terminatedSpot)); // user-initiated reason

        InterruptionWatcher.Report report = watcher.pollOnce();
        clock.advance(Duration.ofMinutes(3));
        InterruptionWatcher.Report later = watcher.pollOnce();

        assertThat(report.spotInstances()).isEqualTo(1); // the managed spot one, shutting down at the user's request
        assertThat(report.noticed()).isEmpty();
        assertThat(later.noticed()).isEmpty();
        assertThat(api.requests("/emergency")).isEmpty();
        assertThat(counter(meters, "spot.interruptions", "kind", "SPOT_INTERRUPTION")).isZero();
        assertThat(test.sim.instance(managedOnDemand).orElseThrow().state()).isEqualTo("running");
        // EC2 is asked for this system's spot instances only: on-demand and untagged ones never come back.
        SimCall describe = test.sim.calls().stream().filter(c -> c.action().equals("DescribeInstances"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(filters(describe)).isEqualTo(Map.of(
                "tag:" + OwnershipTags.MANAGED_BY, Set.of(OwnershipTags.MANAGED_BY_VALUE),
                "tag:" + OwnershipTags.AGENT_ID, Set.of(AgentTestEnvironment.AGENT_ID),
                "instance-state-name", Set.of("running", "shutting-down"),
                "instance-lifecycle", Set.of("spot")));
    }

    @Test
    void oneDescribeInstancesPerPollHoweverLargeTheFleet() {
        List<String> fleet = ec2.runInstances(spot(managed("row-fleet")).minCount(60).maxCount(60).build())
                .instances().stream().map(i -> i.instanceId()).toList();
        clock.advance(Duration.ofSeconds(1));
        List<String> interrupted = fleet.subList(10, 15);
        interrupted.forEach(test.sim::interruptSpot);
        long before = test.sim.callCount("DescribeInstances");

        InterruptionWatcher.Report first = watcher.pollOnce();
        watcher.pollOnce();
        watcher.pollOnce();

        assertThat(test.sim.callCount("DescribeInstances") - before).isEqualTo(3);
        assertThat(first.spotInstances()).isEqualTo(60);
        assertThat(first.reported()).containsExactlyInAnyOrderElementsOf(interrupted);
        assertThat(api.requests("/emergency")).hasSize(5)
                .extracting(StubApi.Request::body)
                .allSatisfy(body -> assertThat(body).contains("\"kind\":\"SPOT_INTERRUPTION\""));
        assertThat(counter(meters, "spot.interruptions", "kind", "SPOT_INTERRUPTION")).isEqualTo(5);
    }

    @Test
    void onTheAgentsScheduleEachIntervalCostsOneDescribeInstancesAndReportsOnce() {
        agent.close(); // this test runs the schedule instead of polling by hand
        List<String> fleet = ec2.runInstances(spot(managed("row-fleet")).minCount(20).maxCount(20).build())
                .instances().stream().map(i -> i.instanceId()).toList();
        clock.advance(Duration.ofSeconds(1));
        test.sim.interruptSpot(fleet.get(3));
        long before = test.sim.callCount("DescribeInstances");

        agent = test.startAgent(properties(Duration.ofMillis(100)), meters, clock);
        InterruptionWatcher scheduled = agent.interruptions().orElseThrow();
        awaitUntil("reported, then polled a few more times", () -> !api.requests("/emergency").isEmpty()
                && scheduled.polls() >= 4);
        agent.close();

        long describes = test.sim.callCount("DescribeInstances") - before;
        // Nothing else of this agent calls EC2 here (no launches in flight, no sweep); a poll cut off by
        // close() may have reached EC2 without being counted.
        assertThat(describes).isBetween(scheduled.polls(), scheduled.polls() + 1);
        assertThat(api.requests("/emergency")).singleElement()
                .extracting(StubApi.Request::body).asString().contains(fleet.get(3));
    }

    @Test
    void aReportTheApiCouldNotTakeIsRetriedWithTheSameBodyAndARefusedOneIsNot() {
        String first = launch(spot(managed("row-1")));
        String second = launch(spot(managed("row-2")));
        clock.advance(Duration.ofSeconds(1));
        test.sim.interruptSpot(first);

        api.emergencyStatus.set(503);
        assertThat(watcher.pollOnce().reported()).isEmpty();
        clock.advance(Duration.ofSeconds(15)); // a later poll must not move the action time
        assertThat(watcher.pollOnce().reported()).isEmpty();
        api.emergencyStatus.set(200);
        assertThat(watcher.pollOnce().reported()).containsExactly(first);
        assertThat(watcher.pollOnce().reported()).isEmpty();

        List<StubApi.Request> attempts = api.requests("/emergency");
        assertThat(attempts).hasSize(3);
        assertThat(attempts).extracting(StubApi.Request::body).containsOnly(attempts.get(0).body());
        assertThat(counter(meters, "spot.interruptions", "kind", "SPOT_INTERRUPTION")).isEqualTo(1);

        test.sim.interruptSpot(second);
        api.emergencyStatus.set(400);
        assertThat(watcher.pollOnce().reported()).isEmpty();
        assertThat(watcher.pollOnce().reported()).isEmpty();
        assertThat(api.requests("/emergency")).hasSize(4); // refused once, not asked again
    }

    @Test
    void offUnlessTheApiIsConfiguredOrWhenDisabled() {
        try (AgentRuntime noApi = test.startAgent(test.agentProperties(), meters, clock);
             AgentRuntime disabled = test.startAgent(properties(Duration.ofHours(1))
                     .withInterruptions(AgentProperties.Interruptions.off()), meters, clock)) {
            assertThat(noApi.interruptions()).isEmpty();
            assertThat(disabled.interruptions()).isEmpty();
        }
        assertThat(AgentProperties.defaults("a1").interruptions())
                .isEqualTo(new AgentProperties.Interruptions(true, Duration.ofSeconds(15)));
    }

    @Test
    void theActionTimeIsReadFromTheStateTransitionReason() {
        assertThat(InterruptionWatcher.actionTime("Service initiated (2030-01-01 00:02:00 GMT)"))
                .hasValue(Instant.parse("2030-01-01T00:02:00Z"));
        assertThat(InterruptionWatcher.actionTime("Service initiated (2030-01-01T00:02:00.250Z)"))
                .hasValue(Instant.parse("2030-01-01T00:02:00.250Z"));
        assertThat(InterruptionWatcher.actionTime("")).isEmpty();
        assertThat(InterruptionWatcher.actionTime(null)).isEmpty();
        assertThat(InterruptionWatcher.actionTime("Service initiated (2030-13-45 99:99:99 GMT)")).isEmpty();
    }

    private AgentProperties properties(Duration interval) {
        return test.agentProperties()
                .withApi(new AgentProperties.Api(api.url(), TOKEN, Duration.ofHours(1)))
                .withInterruptions(AgentProperties.Interruptions.every(interval))
                // The ended-instance report has its own DescribeInstances: off, so calls count this watcher's only.
                .withEndedInstances(AgentProperties.EndedInstances.off());
    }

    private static Map<String, String> managed(String rowId) {
        return managed(rowId, AgentTestEnvironment.AGENT_ID);
    }

    private static Map<String, String> managed(String rowId, String agentId) {
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

    /** The {@code Filter.N.Name} / {@code Filter.N.Value.M} parameters of one call, by name. */
    private static Map<String, Set<String>> filters(SimCall call) {
        Map<String, String> params = call.params();
        return params.keySet().stream().filter(k -> k.matches("Filter\\.\\d+\\.Name"))
                .collect(Collectors.toMap(params::get, k -> {
                    String prefix = k.substring(0, k.length() - "Name".length()) + "Value.";
                    return params.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                            .map(Map.Entry::getValue).collect(Collectors.toSet());
                }));
    }
}
