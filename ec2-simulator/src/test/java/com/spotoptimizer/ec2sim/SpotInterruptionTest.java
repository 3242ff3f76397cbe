package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static com.spotoptimizer.ec2sim.Ec2Clients.onlyInstanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/** A spot interruption as the real SDK sees it through DescribeInstances, and the simulator's ground truth. */
class SpotInterruptionTest extends SimulatorTestBase {

    @Test
    void interruptedSpotInstanceShowsTheStateReasonThenShutsDownByItselfAfterTheNotice() {
        String id = runningSpot("req-spot");
        Instant noticeAt = clock.instant();

        SimInstance interrupted = sim.interruptSpot(id);

        Instant actionTime = noticeAt.plus(Ec2Simulator.DEFAULT_SPOT_NOTICE);
        assertThat(interrupted.interruptionActionAt()).isEqualTo(actionTime);
        assertThat(interrupted.state()).isEqualTo("running");
        assertThat(interrupted.interrupted()).isTrue();
        assertThat(interrupted.terminateRequestedAt()).isNull(); // nobody called TerminateInstances
        Instance seen = describe(id);
        assertThat(seen.state().name()).isEqualTo(InstanceStateName.RUNNING);
        assertThat(seen.stateReason().code()).isEqualTo("Server.SpotInstanceTermination");
        assertThat(seen.stateReason().message()).isEqualTo("Server.SpotInstanceTermination: Spot instance termination");
        assertThat(seen.stateTransitionReason()).isEqualTo("Service initiated (2030-01-01 00:02:02 GMT)");

        clock.advance(Duration.between(clock.instant(), actionTime).minusMillis(1));
        assertThat(describe(id).state().name()).isEqualTo(InstanceStateName.RUNNING);

        clock.advance(Duration.ofMillis(1));
        Instance shuttingDown = describe(id);
        assertThat(shuttingDown.state().name()).isEqualTo(InstanceStateName.SHUTTING_DOWN);
        assertThat(shuttingDown.stateReason().code()).isEqualTo("Server.SpotInstanceTermination");
        assertThat(sim.instance(id).orElseThrow().isActive()).isFalse();

        clock.advance(sim.faults().timing().terminateDelay());
        Instance terminated = describe(id);
        assertThat(terminated.state().name()).isEqualTo(InstanceStateName.TERMINATED);
        assertThat(terminated.stateReason().code()).isEqualTo("Server.SpotInstanceTermination");
        assertThat(terminated.stateTransitionReason()).isEqualTo("Service initiated (2030-01-01 00:02:02 GMT)");
        assertThat(sim.instance(id).orElseThrow().terminatedAt())
                .isEqualTo(actionTime.plus(sim.faults().timing().terminateDelay()));
    }

    @Test
    void filtersSeeTheInterruptedInstanceInItsDerivedState() {
        String id = runningSpot("req-filter");
        sim.interruptSpot(id, Duration.ofSeconds(30));

        assertThat(ids("running")).containsExactly(id);
        clock.advance(Duration.ofSeconds(30));
        assertThat(ids("running")).isEmpty();
        assertThat(ids("shutting-down")).containsExactly(id);
    }

    @Test
    void aShortNoticeIsRoundedUpToAWholeSecond() {
        String id = runningSpot("req-short");
        clock.advance(Duration.ofMillis(250));

        SimInstance interrupted = sim.interruptSpot(id, Duration.ofMillis(100));

        assertThat(interrupted.interruptionActionAt()).isEqualTo(START.plusSeconds(3));
        assertThat(describe(id).stateTransitionReason()).isEqualTo("Service initiated (2030-01-01 00:00:03 GMT)");
    }

    @Test
    void terminateDuringTheNoticeEndsItSoonerAsAUserShutdown() {
        String id = runningSpot("req-user");
        sim.interruptSpot(id);

        ec2.terminateInstances(r -> r.instanceIds(id));

        Instance seen = describe(id);
        assertThat(seen.state().name()).isEqualTo(InstanceStateName.SHUTTING_DOWN);
        assertThat(seen.stateReason().code()).isEqualTo("Client.UserInitiatedShutdown");
        assertThat(seen.stateTransitionReason()).isEqualTo("User initiated (2030-01-01 00:00:02 GMT)");
        clock.advance(sim.faults().timing().terminateDelay());
        assertThat(describe(id).state().name()).isEqualTo(InstanceStateName.TERMINATED);
    }

    @Test
    void terminateAfterTheActionTimeChangesNothing() {
        String id = runningSpot("req-late");
        SimInstance interrupted = sim.interruptSpot(id, Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(10));

        var response = ec2.terminateInstances(r -> r.instanceIds(id));

        assertThat(response.terminatingInstances().get(0).previousState().name())
                .isEqualTo(InstanceStateName.SHUTTING_DOWN);
        assertThat(describe(id).stateReason().code()).isEqualTo("Server.SpotInstanceTermination");
        assertThat(sim.instance(id).orElseThrow().terminatedAt()).isEqualTo(interrupted.terminatedAt());
    }

    @Test
    void onlyARunningSpotInstanceCanBeInterruptedOnce() {
        String onDemand = onlyInstanceId(ec2.runInstances(launch("req-on-demand").build()));
        String pending = onlyInstanceId(ec2.runInstances(spot("req-pending").build()));
        clock.advance(Duration.ofSeconds(1));
        String running = runningSpot("req-running");

        assertThatThrownBy(() -> sim.interruptSpot(onDemand)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a spot instance");
        assertThatThrownBy(() -> sim.interruptSpot("i-0123456789abcdef0")).isInstanceOf(NoSuchElementException.class);
        sim.interruptSpot(running);
        assertThatThrownBy(() -> sim.interruptSpot(running)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already");
        clock.advance(Duration.ofMinutes(5)); // the pending one is running by now, the other one gone
        assertThat(describe(onDemand).stateReason()).isNull();
        assertThat(describe(onDemand).stateTransitionReason()).isEmpty();
        assertThat(describe(pending).stateReason()).isNull();
    }

    @Test
    void aPendingSpotInstanceIsNotInterrupted() {
        String pending = onlyInstanceId(ec2.runInstances(spot("req-p").build()));

        assertThatThrownBy(() -> sim.interruptSpot(pending)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pending");
    }

    private static String runningSpot(String token) {
        String id = onlyInstanceId(ec2.runInstances(spot(token).build()));
        clock.advance(sim.faults().timing().launchDelay());
        return id;
    }

    private static RunInstancesRequest.Builder spot(String token) {
        return launch(token).instanceMarketOptions(m -> m.marketType(MarketType.SPOT));
    }

    private static Instance describe(String id) {
        return DescribeInstancesTest.instances(ec2.describeInstances(r -> r.instanceIds(id))).get(0);
    }

    private static List<String> ids(String state) {
        return DescribeInstancesTest.instances(ec2.describeInstances(r -> r.filters(
                        f -> f.name("instance-state-name").values(state),
                        f -> f.name("instance-lifecycle").values("spot"))))
                .stream().map(Instance::instanceId).toList();
    }
}
