package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static com.spotoptimizer.ec2sim.Ec2Clients.onlyInstanceId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

class TimeSteppingTest extends SimulatorTestBase {

    @Test
    void instanceIsPendingUntilTheLaunchDelayHasPassedThenRunning() {
        var response = ec2.runInstances(launch("req-1").build());
        String id = onlyInstanceId(response);
        assertThat(response.instances().get(0).state().name()).isEqualTo(InstanceStateName.PENDING);
        assertThat(response.instances().get(0).state().code()).isZero();

        Duration launchDelay = sim.faults().timing().launchDelay();
        clock.advance(launchDelay.minusMillis(1));
        assertThat(state(id)).isEqualTo(InstanceStateName.PENDING);
        assertThat(sim.instance(id).orElseThrow().state()).isEqualTo("pending");

        clock.advance(Duration.ofMillis(1));
        assertThat(state(id)).isEqualTo(InstanceStateName.RUNNING);
        assertThat(sim.instance(id).orElseThrow().state()).isEqualTo("running");
    }

    @Test
    void instanceIsShuttingDownUntilTheTerminateDelayHasPassedThenTerminated() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-2").build()));
        clock.advance(Duration.ofMinutes(5));
        ec2.terminateInstances(r -> r.instanceIds(id));
        SimInstance terminating = sim.instance(id).orElseThrow();
        assertThat(terminating.terminateRequestedAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
        assertThat(terminating.terminatedAt())
                .isEqualTo(terminating.terminateRequestedAt().plus(sim.faults().timing().terminateDelay()));

        clock.advance(sim.faults().timing().terminateDelay().minusMillis(1));
        assertThat(state(id)).isEqualTo(InstanceStateName.SHUTTING_DOWN);
        clock.advance(Duration.ofMillis(1));
        assertThat(state(id)).isEqualTo(InstanceStateName.TERMINATED);
        assertThat(sim.instance(id).orElseThrow().isActive()).isFalse();
    }

    @Test
    void changedDelaysApplyToLaterLaunchesOnly() {
        String before = onlyInstanceId(ec2.runInstances(launch("req-3").build()));
        sim.faults().launchDelay(Duration.ofMinutes(10)).consistencyWindow(Duration.ZERO);
        String after = onlyInstanceId(ec2.runInstances(launch("req-4").build()));

        clock.advance(Duration.ofMinutes(1));
        assertThat(sim.instance(before).orElseThrow().state()).isEqualTo("running");
        assertThat(sim.instance(after).orElseThrow().state()).isEqualTo("pending");
        clock.advance(Duration.ofMinutes(9));
        assertThat(sim.instance(after).orElseThrow().state()).isEqualTo("running");
    }

    private static InstanceStateName state(String id) {
        return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0).state().name();
    }
}
